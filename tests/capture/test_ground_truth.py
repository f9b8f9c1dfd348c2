"""A capture's ground truth is well formed and the capture bears it out.

Usage: test_ground_truth.py NAME   (test-captures/NAME.pcapng + NAME.json)
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import groundtruth  # noqa: E402
import wstest  # noqa: E402

NAME = sys.argv.pop(1) if len(sys.argv) > 1 else None


class GroundTruth(unittest.TestCase):
    def test_capture_agrees(self):
        gt = wstest.ground_truth(NAME)
        self.assertEqual(gt["capture"], NAME + ".pcapng")
        problems = groundtruth.verify(gt)
        self.assertEqual(problems, [], "\n".join(problems))

    def test_has_content(self):
        gt = wstest.ground_truth(NAME)
        if "negatives" in gt:
            self.assertEqual(gt["calls"], [])
            self.assertEqual(gt["negatives"]["rtp_streams"], 0)
        else:
            self.assertGreater(len(gt["calls"]), 0)
            for call in gt["calls"]:
                self.assertGreater(len(call["flows"]), 0, call["id"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
