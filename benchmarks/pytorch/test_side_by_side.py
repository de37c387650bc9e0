"""Tests for side_by_side.py on small hand-written inputs: python3 -m unittest discover -s benchmarks/pytorch"""
import contextlib
import json
import os
import tempfile
import unittest

import side_by_side as sbs

# column indices of a table line (after the line's own label)
JDNN, SAME, RATIO, BEST, RATIO_BEST, MEMORY, TARGET = range(1, 8)


def doc(*results):
    return {"meta": {"device": "test"}, "results": list(results)}


def train(row, ips, **extra):
    return dict(row=row, kind="train", images_per_s=ips, **extra)


def infer(row, ms, **extra):
    return dict(row=row, kind="infer", latency_ms=ms, **extra)


class SideBySideTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, content):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            json.dump(content, f)
        return path

    def run_table(self, jdnn, torch):
        j = self.write("j.json", jdnn)
        t = self.write("t.json", torch)
        out = os.path.join(self.tmp.name, "out.md")
        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
            sbs.main(["--jdnn", j, "--pytorch", t, "--out", out])
        with open(out) as f:
            return {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[1:-1]]
                    for line in f if line.startswith("| ") and not line.startswith("| row")}

    def test_compared_with_the_same_configuration_and_with_pytorch_best(self):
        rows = self.run_table(doc(train("resnet50_train_b256", 3000.0, precision="tf32", layout="nchw")),
                              doc(train("resnet50_train_b256", 2500.0, precision="tf32", layout="nchw"),
                                  train("resnet50_train_b256", 3750.0, precision="tf32", layout="channels_last"),
                                  train("resnet50_train_b256", 5000.0, precision="bf16", layout="channels_last")))
        line = rows["resnet50_train_b256 [tf32]"]
        self.assertEqual(line[SAME], "2500.0 img/s")
        self.assertEqual(line[RATIO], "1.20x")  # 3000 / 2500
        self.assertEqual(line[BEST], "3750.0 img/s (tf32 channels_last)")  # bf16 is another precision class
        self.assertEqual(line[RATIO_BEST], "0.80x")
        self.assertIn("NOT met", line[TARGET])  # the target is against the best

    def test_nhwc_matches_channels_last_and_bf16_targets(self):
        rows = self.run_table(doc(train("resnet18_train_b256", 14000.0, precision="bf16", layout="nhwc",
                                        peak_memory_bytes=3e9)),
                              doc(train("resnet18_train_b256", 6000.0, precision="bf16", layout="nchw"),
                                  train("resnet18_train_b256", 13000.0, precision="bf16", layout="channels_last",
                                        peak_memory_bytes=4e9)))
        line = rows["resnet18_train_b256 [bf16 channels_last]"]
        self.assertEqual(line[SAME], "13000.0 img/s")
        self.assertEqual(line[RATIO_BEST], "1.08x")
        self.assertEqual(line[MEMORY], "0.75x")
        self.assertIn("met", line[TARGET])
        self.assertNotIn("NOT", line[TARGET])

    def test_cifar_target_is_two_x(self):
        rows = self.run_table(doc(train("cifar_resnet20_train_b128", 18000.0)),
                              doc(train("cifar_resnet20_train_b128", 10000.0)))
        self.assertEqual(rows["cifar_resnet20_train_b128 [tf32]"][RATIO], "1.80x")
        self.assertIn("≥ 2x: NOT met", rows["cifar_resnet20_train_b128 [tf32]"][TARGET])

    def test_strict_fp32_competes_with_tf32(self):
        rows = self.run_table(doc(train("resnet50_train_b64", 2000.0, precision="fp32")),
                              doc(train("resnet50_train_b64", 1600.0, precision="tf32")))
        line = rows["resnet50_train_b64 [fp32]"]
        self.assertEqual(line[RATIO_BEST], "1.25x")
        self.assertIn("met", line[TARGET])

    def test_latency_ratio_lower_is_better_and_best_is_the_lowest(self):
        rows = self.run_table(doc(infer("resnet50_infer_b1", 2.0)),
                              doc(infer("resnet50_infer_b1", 6.0), infer("resnet50_infer_b1", 5.0, layout="channels_last")))
        line = rows["resnet50_infer_b1 [tf32]"]
        self.assertEqual(line[JDNN], "2.00 ms")
        self.assertEqual(line[RATIO], "0.33x")
        self.assertEqual(line[BEST], "5.00 ms (tf32 channels_last)")
        self.assertEqual(line[RATIO_BEST], "0.40x")
        self.assertIn("met", line[TARGET])
        self.assertNotIn("NOT", line[TARGET])

    def test_missing_and_failed_rows(self):
        rows = self.run_table(doc(train("resnet50_train_b256", None, error="out of memory"),
                                  train("cifar_resnet20_train_b32", 100.0)),
                              doc(train("resnet50_train_b256", 2500.0),
                                  train("resnet18_train_b256", 7000.0)))
        self.assertTrue(rows["resnet50_train_b256 [tf32]"][JDNN].startswith("error: out of memory"))
        self.assertEqual(rows["resnet50_train_b256 [tf32]"][RATIO], "—")
        self.assertIn("not measured", rows["resnet50_train_b256 [tf32]"][TARGET])
        self.assertEqual(rows["resnet18_train_b256"][JDNN], "—")  # PyTorch only
        self.assertEqual(rows["resnet18_train_b256"][BEST], "7000.0 img/s (tf32)")
        self.assertEqual(rows["cifar_resnet20_train_b32 [tf32]"][SAME], "—")  # jdnn only (CPU smoke row)
        self.assertEqual(list(rows)[:2], ["resnet50_train_b256 [tf32]", "resnet18_train_b256"])  # PyTorch's order first

    def test_a_failed_pytorch_configuration_does_not_hide_the_others(self):
        rows = self.run_table(doc(train("resnet50_train_b256", 3000.0)),
                              doc(train("resnet50_train_b256", None, error="out of memory"),
                                  train("resnet50_train_b256", 2000.0, layout="channels_last")))
        line = rows["resnet50_train_b256 [tf32]"]
        self.assertTrue(line[SAME].startswith("error"))
        self.assertEqual(line[RATIO_BEST], "1.50x")

    def test_graphs_off_rows_get_their_own_line_and_no_target(self):
        rows = self.run_table(doc(train("cifar_resnet20_train_b128", 20000.0, cuda_graphs=True),
                                  train("cifar_resnet20_train_b128", 12000.0, cuda_graphs=False)),
                              doc(train("cifar_resnet20_train_b128", 10000.0)))
        self.assertEqual(list(rows), ["cifar_resnet20_train_b128 [tf32]", "cifar_resnet20_train_b128 [tf32] (CUDA graphs off)"])
        self.assertEqual(rows["cifar_resnet20_train_b128 [tf32]"][RATIO], "2.00x")
        self.assertIn("met", rows["cifar_resnet20_train_b128 [tf32]"][TARGET])
        off = rows["cifar_resnet20_train_b128 [tf32] (CUDA graphs off)"]
        self.assertEqual(off[SAME], "10000.0 img/s")  # the same PyTorch row
        self.assertEqual(off[RATIO], "1.20x")
        self.assertEqual(off[TARGET], "")

    def test_fused_rows_get_their_own_line_and_both_a_target(self):
        rows = self.run_table(doc(train("cifar_resnet20_train_b128", 16000.0, fusion="fusion off (the default until cuDNN's fused engines are verified)"),
                                  train("cifar_resnet20_train_b128", 20000.0, fusion="fusion on: evaluation conv-bias-activation 13/19 fused")),
                              doc(train("cifar_resnet20_train_b128", 10000.0)))
        self.assertEqual(list(rows), ["cifar_resnet20_train_b128 [tf32]", "cifar_resnet20_train_b128 [tf32] (fused)"])
        self.assertEqual(rows["cifar_resnet20_train_b128 [tf32]"][RATIO], "1.60x")
        self.assertIn("NOT met", rows["cifar_resnet20_train_b128 [tf32]"][TARGET])  # 1.6x < 2.0x
        on = rows["cifar_resnet20_train_b128 [tf32] (fused)"]
        self.assertEqual(on[RATIO], "2.00x")
        self.assertIn(": met", on[TARGET])

    def test_precision_and_layout_pick_pytorchs_configuration(self):
        rows = self.run_table(doc(train("resnet50_train_b256", 5200.0, precision="bf16", layout="nhwc"),
                                  train("resnet50_train_b256", 3300.0, precision="tf32", layout="nhwc")),
                              doc(train("resnet50_train_b256", 3150.0, precision="tf32", layout="channels_last"),
                                  train("resnet50_train_b256", 4708.0, precision="bf16", layout="channels_last"),
                                  train("resnet50_train_b256", 2449.0, precision="bf16", layout="nchw")))
        bf16 = rows["resnet50_train_b256 [bf16 channels_last]"]
        self.assertEqual(bf16[SAME], "4708.0 img/s")
        self.assertEqual(bf16[BEST], "4708.0 img/s (bf16 channels_last)")
        self.assertIn(": met", bf16[TARGET])
        self.assertEqual(rows["resnet50_train_b256 [tf32 channels_last]"][SAME], "3150.0 img/s")


if __name__ == "__main__":
    unittest.main()
