/**
 * The model zoo: classic CNN image classifiers built on the Layer API, one class per family with its paper's
 * configuration table as data and one builder per variant, in the manner of torchvision's models.
 *
 * <p>Entry points: {@link dev.jdnn.networks.models.Models#create(String, dev.jdnn.networks.models.ModelConfig)} by
 * name ({@link dev.jdnn.networks.models.Models#names()} lists them), {@link dev.jdnn.networks.models.ModelSummary}
 * for parameter and multiply-add counts, and {@link dev.jdnn.networks.graph.ModelTrace} to check a model's wiring
 * for an input shape without a backend (per op: shape and multiply-adds).
 *
 * <p>Where torchvision has the model, the state_dict keys, their order, the parameter count, BatchNorm eps/momentum
 * and the weight initialisation are torchvision's, so its checkpoints map one to one (BatchNorm's
 * num_batches_tracked is not kept). Families without a torchvision equivalent (LeNet-5, AlexNet with LRN, CIFAR
 * ResNets, MobileNet v1, ShuffleNet v1) follow their papers and document their naming in the class comment.
 *
 * <table>
 *   <caption>Families</caption>
 *   <tr><th>Class</th><th>Names</th></tr>
 *   <tr><td>{@link dev.jdnn.networks.models.LeNet}</td><td>lenet5 (32x32), lenet5_28 (28x28)</td></tr>
 *   <tr><td>{@link dev.jdnn.networks.models.AlexNet}</td><td>alexnet, alexnet_lrn</td></tr>
 *   <tr><td>{@link dev.jdnn.networks.models.Vgg}</td><td>vgg11/13/16/19, vgg*_bn</td></tr>
 *   <tr><td>{@link dev.jdnn.networks.models.GoogLeNet}</td><td>googlenet (aux heads in training)</td></tr>
 *   <tr><td>{@link dev.jdnn.networks.models.ResNet}</td><td>resnet18/34/50/101/152, resnext50_32x4d, resnext101_32x8d</td></tr>
 *   <tr><td>{@link dev.jdnn.networks.models.CifarResNet}</td><td>resnet20/32/44/56/110 (shortcut option A or B)</td></tr>
 *   <tr><td>{@link dev.jdnn.networks.models.MobileNetV1}, {@link dev.jdnn.networks.models.MobileNetV2},
 *       {@link dev.jdnn.networks.models.MobileNetV3}</td><td>mobilenet_v1, mobilenet_v2, mobilenet_v3_large/small</td></tr>
 *   <tr><td>{@link dev.jdnn.networks.models.ShuffleNetV1}, {@link dev.jdnn.networks.models.ShuffleNetV2}</td>
 *       <td>shufflenet_v1 (g=3), shufflenet_v2_x0_5/x1_0/x1_5/x2_0</td></tr>
 *   <tr><td>{@link dev.jdnn.networks.models.EfficientNet}</td><td>efficientnet_b0..b7, efficientnet_v2_s/m/l</td></tr>
 * </table>
 */
package dev.jdnn.networks.models;
