/**
 * Using trained models: {@link dev.jdnn.training.inference.Predictor} loads a zoo model with weights (jdnn's or
 * PyTorch's, torchvision key names) and gives top-k class predictions with names for image files, images or
 * preprocessed tensors, preprocessing them as torchvision does.
 */
package dev.jdnn.training.inference;
