"""Tests for side_by_side.py on small hand-written inputs: python3 -m unittest discover -s benchmarks/pytorch"""
import json
import os
import tempfile
import unittest

import side_by_side as sbs


def doc(*results):
    return {"meta": {"device": "test"}, "results": list(results)}


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
        with open(os.devnull, "w") as devnull:
            import contextlib
            with contextlib.redirect_stdout(devnull):
                sbs.main(["--jdnn", j, "--pytorch", t, "--out", out])
        with open(out) as f:
            return {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[1:-1]]
                    for line in f if line.startswith("| ") and not line.startswith("| row")}

    def test_training_ratio_and_target_met(self):
        rows = self.run_table(doc({"row": "resnet50_train_b256", "kind": "train", "images_per_s": 3000.0}),
                              doc({"row": "resnet50_train_b256", "kind": "train", "images_per_s": 2500.0}))
        self.assertEqual(rows["resnet50_train_b256"][3], "1.20x")  # 3000 / 2500
        self.assertIn("met", rows["resnet50_train_b256"][4])
        self.assertNotIn("NOT", rows["resnet50_train_b256"][4])

    def test_cifar_target_not_met(self):
        rows = self.run_table(doc({"row": "cifar_resnet20_train_b128", "kind": "train", "images_per_s": 14000.0}),
                              doc({"row": "cifar_resnet20_train_b128", "kind": "train", "images_per_s": 10000.0}))
        self.assertEqual(rows["cifar_resnet20_train_b128"][3], "1.40x")
        self.assertIn("NOT met", rows["cifar_resnet20_train_b128"][4])

    def test_latency_ratio_lower_is_better(self):
        rows = self.run_table(doc({"row": "resnet50_infer_b1", "kind": "infer", "latency_ms": 2.0}),
                              doc({"row": "resnet50_infer_b1", "kind": "infer", "latency_ms": 5.0}))
        self.assertEqual(rows["resnet50_infer_b1"][3], "0.40x")
        self.assertEqual(rows["resnet50_infer_b1"][1], "2.00 ms")
        self.assertIn("met", rows["resnet50_infer_b1"][4])
        self.assertNotIn("NOT", rows["resnet50_infer_b1"][4])

    def test_missing_and_failed_rows(self):
        rows = self.run_table(doc({"row": "resnet50_train_b256", "kind": "train", "error": "out of memory"},
                                  {"row": "cifar_resnet20_train_b32", "kind": "train", "images_per_s": 100.0}),
                              doc({"row": "resnet50_train_b256", "kind": "train", "images_per_s": 2500.0},
                                  {"row": "resnet18_train_b256", "kind": "train", "images_per_s": 7000.0}))
        self.assertTrue(rows["resnet50_train_b256"][1].startswith("error: out of memory"))
        self.assertEqual(rows["resnet50_train_b256"][3], "—")
        self.assertIn("not measured", rows["resnet50_train_b256"][4])
        self.assertEqual(rows["resnet18_train_b256"][1], "—")  # PyTorch only
        self.assertEqual(rows["cifar_resnet20_train_b32"][2], "—")  # jdnn only (CPU smoke row)
        self.assertEqual(list(rows)[:2], ["resnet50_train_b256", "resnet18_train_b256"])  # PyTorch's order first

    def test_graphs_off_rows_get_their_own_line_against_the_same_pytorch_row(self):
        rows = self.run_table(doc({"row": "cifar_resnet20_train_b128", "kind": "train", "images_per_s": 20000.0, "cuda_graphs": True},
                                  {"row": "cifar_resnet20_train_b128", "kind": "train", "images_per_s": 12000.0, "cuda_graphs": False},
                                  {"row": "resnet50_infer_b1", "kind": "infer", "latency_ms": 2.0}),
                              doc({"row": "cifar_resnet20_train_b128", "kind": "train", "images_per_s": 10000.0},
                                  {"row": "resnet50_infer_b1", "kind": "infer", "latency_ms": 5.0}))
        self.assertEqual(list(rows), ["cifar_resnet20_train_b128", "cifar_resnet20_train_b128 (CUDA graphs off)", "resnet50_infer_b1"])
        self.assertEqual(rows["cifar_resnet20_train_b128"][3], "2.00x")
        self.assertIn("met", rows["cifar_resnet20_train_b128"][4])
        off = rows["cifar_resnet20_train_b128 (CUDA graphs off)"]
        self.assertEqual(off[2], "10000.0 img/s")  # the same PyTorch row
        self.assertEqual(off[3], "1.20x")
        self.assertIn("NOT met", off[4])
        self.assertEqual(rows["resnet50_infer_b1"][3], "0.40x")  # no cuda_graphs field: graphs on


if __name__ == "__main__":
    unittest.main()
