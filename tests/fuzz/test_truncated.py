"""Every test capture re-cut to a snaplen of 64 and 128 bytes (`editcap -s`)
decodes with the plugin without a crash and without the plugin flagging
anything as malformed (truncation is Wireshark's own "[Packet size limited
during capture]"), and the session summary still runs."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402


class Truncated(unittest.TestCase):
    def test_snaplen_64_and_128(self):
        ts = wstest.Tshark(with_plugin=True)
        for name in wstest.capture_names():
            for snap in (64, 128):
                with self.subTest(capture=name, snaplen=snap):
                    cut = os.path.join(ts.files, "%s-s%d.pcapng" % (name, snap))
                    subprocess.run(["editcap", "-s", str(snap), ts.capture(name), cut],
                                   check=True, capture_output=True)
                    os.chmod(cut, 0o644)
                    p = ts.run(["-r", cut, "-2", "-n", "-Y", "webrtc.malformed"], check=False)
                    self.assertEqual(p.returncode, 0, p.stderr[-2000:])
                    self.assertEqual(p.stdout, "")
                    p = ts.run(["-r", cut, "-q", "-z", "webrtc,summary,json"], check=False)
                    self.assertEqual(p.returncode, 0, p.stderr[-2000:])
                    self.assertIn('"schema_version":2', p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
