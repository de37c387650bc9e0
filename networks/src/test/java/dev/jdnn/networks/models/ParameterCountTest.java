package dev.jdnn.networks.models;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Parameter counts (buffers excluded, as sum(p.numel() for p in model.parameters())) at 1000 classes, 3x224x224.
 * Expected values: torchvision's model documentation ("num_params" of each weight's meta data) where it has the
 * model, else derived by hand below.
 */
class ParameterCountTest {

    @ParameterizedTest(name = "{0} has {1} parameters like torchvision")
    @CsvSource({
            "alexnet, 61100840",
            "vgg11, 132863336", "vgg11_bn, 132868840", "vgg13, 133047848", "vgg13_bn, 133053736",
            "vgg16, 138357544", "vgg16_bn, 138365992", "vgg19, 143667240", "vgg19_bn, 143678248",
            "resnet18, 11689512", "resnet34, 21797672", "resnet50, 25557032", "resnet101, 44549160", "resnet152, 60192808",
            "resnext50_32x4d, 25028904", "resnext101_32x8d, 88791336",
            "mobilenet_v2, 3504872", "mobilenet_v3_large, 5483032", "mobilenet_v3_small, 2542856",
            "shufflenet_v2_x0_5, 1366792", "shufflenet_v2_x1_0, 2278604", "shufflenet_v2_x1_5, 3503624", "shufflenet_v2_x2_0, 7393996",
            "efficientnet_b0, 5288548", "efficientnet_b1, 7794184", "efficientnet_b2, 9109994", "efficientnet_b3, 12233232",
            "efficientnet_b4, 19341616", "efficientnet_b5, 30389784", "efficientnet_b6, 43040704", "efficientnet_b7, 66347960",
            "efficientnet_v2_s, 21458488", "efficientnet_v2_m, 54139356", "efficientnet_v2_l, 118515272",
    })
    void matchesTorchvision(String name, long expected) {
        assertEquals(expected, Models.create(name).parameterCount(), name);
    }

    @Test
    void googlenetWithoutAuxMatchesTorchvisionsDocumentedCount() {
        assertEquals(6_624_904, Models.create("googlenet", ModelConfig.imagenet().withAuxLogits(false)).parameterCount());
    }

    /**
     * torchvision's googlenet(aux_logits=True) before the heads are dropped: each InceptionAux adds a 1x1 conv to
     * 128 (in*128 + BN 256), fc1 2048*1024+1024 = 2,098,176 and fc2 1024*1000+1000 = 1,025,000:
     * aux1 (in 512) 3,188,968 + aux2 (in 528) 3,191,016 = 6,379,984; 6,624,904 + 6,379,984 = 13,004,888.
     */
    @Test
    void googlenetWithAuxHeads() {
        assertEquals(13_004_888, Models.create("googlenet").parameterCount());
    }

    /**
     * He et al. Table 6 gives 0.27M / 0.46M / 0.66M / 0.85M / 1.7M. By hand (option A, 10 classes):
     * stem 3*16*9 + BN 32 = 464; fc 64*10+10 = 650; stage 1: n blocks of 2*(16*16*9) + 4*16 = 4,672;
     * stage 2: first 16*32*9 + 32*32*9 + 4*32 = 13,952, then n-1 of 2*9,216 + 128 = 18,560;
     * stage 3: first 32*64*9 + 64*64*9 + 4*64 = 55,552, then n-1 of 2*36,864 + 256 = 73,984.
     * Total = 70,618 + 4,672 n + 92,544 (n-1): n=3 → 269,722; 5 → 464,154; 7 → 658,586; 9 → 853,018; 18 → 1,727,962.
     */
    @ParameterizedTest(name = "{0}: {1} parameters with option-A shortcuts")
    @CsvSource({"resnet20, 269722", "resnet32, 464154", "resnet44, 658586", "resnet56, 853018", "resnet110, 1727962"})
    void cifarResNets(String name, long expected) {
        assertEquals(expected, Models.create(name, ModelConfig.of(10, 3, 32, 32)).parameterCount());
    }

    /**
     * Option B adds two projections (conv1x1 + BN): 16*32 + 64 = 576 and 32*64 + 128 = 2,176 → 269,722 + 2,752.
     */
    @Test
    void cifarResNetOptionBAddsTwoProjections() {
        ModelConfig cfg = ModelConfig.of(10, 3, 32, 32).withShortcut(ModelConfig.Shortcut.B_PROJECTION);
        assertEquals(269_722 + 2_752, Models.create("resnet20", cfg).parameterCount());
    }

    /**
     * MobileNet v1, 1000 classes (paper: 4.2M): stem 3*32*9 + 64 = 928; a separable layer in→out has
     * 9 in + 2 in + in*out + 2 out: 2,528 + 9,152 + 18,048 + 34,688 + 68,864 + 134,912 + 5 * 268,800
     * + 531,968 + 1,061,888 = 3,206,048; fc 1,025,000. Total 4,231,976.
     */
    @Test
    void mobilenetV1MatchesThePaper() {
        assertEquals(4_231_976, Models.create("mobilenet_v1").parameterCount());
    }

    /**
     * LeNet-5, 1 channel, 10 classes: C1 6*25+6 = 156, C3 16*6*25+16 = 2,416, F5 400*120+120 = 48,120,
     * F6 120*84+84 = 10,164, output 84*10+10 = 850: 61,706 (the 28x28 variant has the same count).
     */
    @Test
    void lenet5() {
        assertEquals(61_706, Models.create("lenet5", ModelConfig.of(10, 1, 32, 32)).parameterCount());
        assertEquals(61_706, Models.create("lenet5_28", ModelConfig.of(10, 1, 28, 28)).parameterCount());
    }

    /**
     * ShuffleNet v1 1.0x g=3 (the paper lists no count; 1,865,728 = ~1.87M), by hand with 1000 classes: stem 3*24*9 + 48 = 696.
     * A unit in→out (mid = out/4, branch = out or out-in, first 1x1 groups g1):
     * in*mid/g1 + 2 mid + 9 mid + 2 mid + mid*branch/3 + 2 branch.
     * Stage 2: first (24→240, g1=1, branch 216): 1,440+120+540+120+4,320+432 = 6,972; 3 × (240→240):
     * 4,800+120+540+120+4,800+480 = 10,860. Stage 3: first (240→480, branch 240): 9,600+240+1,080+240+9,600+480
     * = 21,240; 7 × (480→480): 19,200+240+1,080+240+19,200+960 = 40,920. Stage 4: first (480→960, branch 480):
     * 38,400+480+2,160+480+38,400+960 = 80,880; 3 × (960→960): 76,800+480+2,160+480+76,800+1,920 = 158,640.
     * fc 960*1000+1000 = 961,000. Total 696 + 6,972 + 32,580 + 21,240 + 286,440 + 80,880 + 475,920 + 961,000.
     */
    @Test
    void shufflenetV1() {
        assertEquals(696 + 6_972 + 32_580 + 21_240 + 286_440 + 80_880 + 475_920 + 961_000,
                Models.create("shufflenet_v1").parameterCount());
    }

    /**
     * AlexNet with LRN (one tower, 96-256-384-384-256): conv1 96*3*121+96 = 34,944; conv2 256*96*25+256 = 614,656;
     * conv3 384*256*9+384 = 885,120; conv4 384*384*9+384 = 1,327,488; conv5 256*384*9+256 = 884,992;
     * fc6 9216*4096+4096 = 37,752,832; fc7 4096*4096+4096 = 16,781,312; fc8 4096*1000+1000 = 4,097,000.
     */
    @Test
    void alexnetLrn() {
        assertEquals(34_944 + 614_656 + 885_120 + 1_327_488 + 884_992 + 37_752_832 + 16_781_312 + 4_097_000,
                Models.create("alexnet_lrn").parameterCount());
    }
}
