"""Unit tests of compare_fixtures.py on the committed fixtures (standard library only; no PyTorch)."""
import copy
import glob
import json
import os
import unittest

import compare_fixtures

PARITY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "networks", "src", "test", "resources", "parity")


def load(name):
    with open(os.path.join(PARITY, name + ".json")) as f:
        return json.load(f)


class CompareFixturesTest(unittest.TestCase):
    def test_every_fixture_agrees_with_itself(self):
        for path in glob.glob(os.path.join(PARITY, "*.json")):
            if path.endswith(".logits.json"):
                continue
            ref = json.load(open(path))
            failures, summary = compare_fixtures.compare(ref, copy.deepcopy(ref))
            self.assertEqual([], failures, path)
            self.assertIn("logits 0", summary)

    def test_a_logit_off_by_more_than_the_tolerance_fails(self):
        ref = load("resnet20")
        cand = copy.deepcopy(ref)
        scale = max(abs(v) for v in ref["eval_logits"])
        cand["eval_logits"][3] += 2e-4 * scale
        failures, _ = compare_fixtures.compare(ref, cand)
        self.assertTrue(any(f.startswith("eval logits") for f in failures), failures)
        cand["eval_logits"][3] = ref["eval_logits"][3] + 0.5e-4 * scale
        self.assertEqual([], compare_fixtures.compare(ref, cand)[0])

    def test_a_gradient_checksum_off_fails_and_adamw_is_only_reported(self):
        ref = load("lenet5")
        cand = copy.deepcopy(ref)
        key = next(iter(ref["grad_checksums"]))
        s, q = ref["grad_checksums"][key]
        cand["grad_checksums"][key] = [s, q * 1.01]
        failures, _ = compare_fixtures.compare(ref, cand)
        self.assertTrue(any(f.startswith("grads " + key) for f in failures), failures)
        cand = copy.deepcopy(ref)
        s, q = ref["adamw"]["update_checksums"][key]
        cand["adamw"]["update_checksums"][key] = [s, q * 1.5]
        failures, summary = compare_fixtures.compare(ref, cand)
        self.assertEqual([], failures)
        self.assertIn("adamw 0.5", summary)

    def test_main_exits_1_when_a_model_is_missing(self):
        import tempfile
        with tempfile.TemporaryDirectory() as empty:
            self.assertEqual(1, compare_fixtures.main(["--reference", PARITY, "--candidate", empty]))
        self.assertEqual(0, compare_fixtures.main(["--reference", PARITY, "--candidate", PARITY]))


if __name__ == "__main__":
    unittest.main()
