"""The plugin loads into tshark as a non-root user; the sandbox is honest."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402


class PluginLoads(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)   # asserts webrtc is listed
        cls.plain = wstest.Tshark(with_plugin=False)

    def test_protocol_registered(self):
        rows = [l.split("\t") for l in self.ts.out(["-G", "protocols"]).splitlines()]
        self.assertIn(["WebRTC", "WebRTC", "webrtc"], [r[:3] for r in rows])

    def test_plugin_listed_with_version(self):
        out = self.ts.out(["-G", "plugins"])
        line = [l for l in out.splitlines() if l.startswith("webrtc.so")]
        self.assertEqual(len(line), 1, out)
        fields = line[0].split()
        self.assertEqual(fields[1], os.environ.get("WEBRTC_VERSION", fields[1]))
        self.assertEqual(fields[2], "dissector")

    def test_plain_sandbox_has_no_plugin(self):
        names = {l.split("\t")[2] for l in self.plain.out(["-G", "protocols"]).splitlines()
                 if l.count("\t") >= 2}
        self.assertNotIn("webrtc", names)
        self.assertIn("rtp", names)


if __name__ == "__main__":
    unittest.main(verbosity=2)
