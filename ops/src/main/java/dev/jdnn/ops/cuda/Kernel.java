package dev.jdnn.ops.cuda;

import java.util.List;

/** One extern "C" kernel: the source file that defines it and its name. Every kernel the backend launches is here. */
record Kernel(KernelFile file, String name) {
    static final Kernel ACTIVATION_FORWARD = new Kernel(KernelFile.ACTIVATIONS, "activation_forward");
    static final Kernel ACTIVATION_BACKWARD = new Kernel(KernelFile.ACTIVATIONS, "activation_backward");
    static final Kernel DROPOUT_FORWARD = new Kernel(KernelFile.DROPOUT, "dropout_forward");
    static final Kernel DROPOUT_ADVANCE = new Kernel(KernelFile.DROPOUT, "dropout_advance");
    static final Kernel DROPOUT_BACKWARD = new Kernel(KernelFile.DROPOUT, "dropout_backward");
    static final Kernel SOFTMAX_XENT_ROWS = new Kernel(KernelFile.LOSS, "softmax_xent_rows");
    static final Kernel MEAN_OF = new Kernel(KernelFile.LOSS, "mean_of");
    static final Kernel SOFTMAX_FORWARD = new Kernel(KernelFile.LOSS, "softmax_forward");
    static final Kernel SOFTMAX_BACKWARD = new Kernel(KernelFile.LOSS, "softmax_backward");
    static final Kernel LRN_FORWARD = new Kernel(KernelFile.LRN, "lrn_forward");
    static final Kernel LRN_BACKWARD = new Kernel(KernelFile.LRN, "lrn_backward");
    static final Kernel SGD_STEP = new Kernel(KernelFile.OPTIMIZERS, "sgd_step");
    static final Kernel SGD_STEP_VEC4 = new Kernel(KernelFile.OPTIMIZERS, "sgd_step_vec4");
    static final Kernel ADAM_STEP = new Kernel(KernelFile.OPTIMIZERS, "adam_step");
    static final Kernel ADAM_STEP_VEC4 = new Kernel(KernelFile.OPTIMIZERS, "adam_step_vec4");
    static final Kernel FINITE_FLAG = new Kernel(KernelFile.OPTIMIZERS, "finite_flag");
    static final Kernel CLIP_NORM_PARTIAL = new Kernel(KernelFile.OPTIMIZERS, "clip_norm_partial");
    static final Kernel CLIP_NORM_FINISH = new Kernel(KernelFile.OPTIMIZERS, "clip_norm_finish");
    static final Kernel CLIP_SCALE = new Kernel(KernelFile.OPTIMIZERS, "clip_scale");
    static final Kernel LOSS_SCALE = new Kernel(KernelFile.OPTIMIZERS, "loss_scale");
    static final Kernel UNSCALE_PARTIAL = new Kernel(KernelFile.OPTIMIZERS, "unscale_partial");
    static final Kernel UNSCALE_FINISH = new Kernel(KernelFile.OPTIMIZERS, "unscale_finish");
    static final Kernel UPDATE_LOSS_SCALE = new Kernel(KernelFile.OPTIMIZERS, "update_loss_scale");
    static final Kernel FILL = new Kernel(KernelFile.POINTWISE, "fill");
    static final Kernel SCALE = new Kernel(KernelFile.POINTWISE, "scale");
    static final Kernel ADD_SCALED = new Kernel(KernelFile.POINTWISE, "add_scaled");
    static final Kernel ADD = new Kernel(KernelFile.POINTWISE, "add");
    static final Kernel SCALE_CHANNELS = new Kernel(KernelFile.POINTWISE, "scale_channels");
    static final Kernel SCALE_CHANNELS_BACKWARD_DATA = new Kernel(KernelFile.POINTWISE, "scale_channels_backward_data");
    static final Kernel SCALE_CHANNELS_BACKWARD_SCALE = new Kernel(KernelFile.POINTWISE, "scale_channels_backward_scale");
    static final Kernel CHANNEL_SHUFFLE = new Kernel(KernelFile.POINTWISE, "channel_shuffle");
    static final Kernel ADD_BIAS = new Kernel(KernelFile.POINTWISE, "add_bias");
    static final Kernel SCALE_BIAS_ACTIVATION = new Kernel(KernelFile.POINTWISE, "scale_bias_activation");
    static final Kernel BIAS_GRAD = new Kernel(KernelFile.POINTWISE, "bias_grad");
    static final Kernel CAST4 = new Kernel(KernelFile.POINTWISE, "cast4");
    static final Kernel POOL_FORWARD = new Kernel(KernelFile.POOLING, "pool_forward");
    static final Kernel POOL_BACKWARD = new Kernel(KernelFile.POOLING, "pool_backward");
    static final Kernel ADAPTIVE_AVG_FORWARD = new Kernel(KernelFile.POOLING, "adaptive_avg_forward");
    static final Kernel ADAPTIVE_AVG_BACKWARD = new Kernel(KernelFile.POOLING, "adaptive_avg_backward");

    static final List<Kernel> ALL = List.of(ACTIVATION_FORWARD, ACTIVATION_BACKWARD, DROPOUT_FORWARD, DROPOUT_ADVANCE,
            DROPOUT_BACKWARD, SOFTMAX_XENT_ROWS, MEAN_OF, SOFTMAX_FORWARD, SOFTMAX_BACKWARD,
            LRN_FORWARD, LRN_BACKWARD,
            SGD_STEP, SGD_STEP_VEC4, ADAM_STEP, ADAM_STEP_VEC4,
            FINITE_FLAG, CLIP_NORM_PARTIAL, CLIP_NORM_FINISH, CLIP_SCALE, LOSS_SCALE, UNSCALE_PARTIAL, UNSCALE_FINISH,
            UPDATE_LOSS_SCALE, FILL, SCALE, ADD_SCALED, ADD, SCALE_CHANNELS,
            SCALE_CHANNELS_BACKWARD_DATA, SCALE_CHANNELS_BACKWARD_SCALE, CHANNEL_SHUFFLE, ADD_BIAS, SCALE_BIAS_ACTIVATION, BIAS_GRAD,
            CAST4, POOL_FORWARD, POOL_BACKWARD, ADAPTIVE_AVG_FORWARD,
            ADAPTIVE_AVG_BACKWARD);
}
