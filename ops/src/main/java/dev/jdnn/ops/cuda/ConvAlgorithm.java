package dev.jdnn.ops.cuda;

/** A cuDNN convolution algorithm chosen for one direction, with the math type it was found with and its workspace. */
record ConvAlgorithm(int algo, int mathType, long workspaceBytes) {
}
