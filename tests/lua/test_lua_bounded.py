"""lua-compat on a worst-case capture (bench/gen_bounded.py "channels": one
TURN flow, a new channel and SSRC every packet): the Lua fallback's summary
and its cap expert infos (webrtc.cap.*) are the C plugin's, two passes and
one, with the same caps (64 streams, 8 list entries)."""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import luasandbox  # noqa: E402
import wstest  # noqa: E402

CAPS = "webrtc.cap.streams || webrtc.cap.list || webrtc.cap.flows || webrtc.cap.tls"


class LuaBounded(unittest.TestCase):
    def test_channels_capped_like_c(self):
        c = wstest.Tshark(with_plugin=True)
        lua = luasandbox.lua_sandbox(with_plugin=False)
        path = os.path.join(lua.files, "channels-2000.pcap")
        subprocess.run([sys.executable, os.path.join(wstest.REPO, "bench", "gen_bounded.py"),
                        "channels", "2000", path], check=True)
        os.chmod(path, 0o644)
        cc = c.capture(path)
        for extra in (["-2"], []):
            want = c.run(["-r", cc, "-q", "-z", "webrtc,summary,json"] + extra).stdout
            got = lua.run(["-r", path, "-q", "-z", "webrtc,summary,json"] + extra + lua.lua_arg)
            self.assertEqual(got.stderr, "")
            luasandbox.assert_same_text(self, got.stdout, want, "summary %s" % extra)
            args = ["-Y", CAPS, "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message"]
            want = c.run(["-r", cc] + args + extra).stdout
            self.assertIn("Streams per flow limit reached", want)
            luasandbox.assert_same_text(
                self, lua.run(["-r", path] + args + extra + lua.lua_arg).stdout, want,
                "cap expert infos %s" % extra)


if __name__ == "__main__":
    unittest.main(verbosity=2)
