"""lua-compat: the script loads into a tshark without the C plugin and
registers the protocol, its fields and `-z webrtc,summary`; with the C
plugin it registers nothing and says so once."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import luasandbox as t  # noqa: E402
import wstest  # noqa: E402


def listed(ts, what, extra):
    p = ts.run(["-G", what] + extra)
    return p, {line.split("\t")[2 if what == "protocols" else 2]
               for line in p.stdout.splitlines() if line.count("\t") >= 2}


class LuaLoads(unittest.TestCase):
    def test_without_c_plugin(self):
        lua = t.lua_sandbox(with_plugin=False)
        _, protos = listed(lua, "protocols", [])
        self.assertNotIn("webrtc", protos)   # the sandbox really has no C plugin
        p, protos = listed(lua, "protocols", lua.lua_arg)
        self.assertEqual(p.stderr, "")
        self.assertIn("webrtc", protos)
        p = lua.run(["-G", "fields"] + lua.lua_arg)
        names = {line.split("\t")[2] for line in p.stdout.splitlines()
                 if line.startswith("F\t")}
        c = wstest.Tshark(with_plugin=True)
        cnames = {line.split("\t")[2] for line in c.run(["-G", "fields"]).stdout.splitlines()
                  if line.startswith("F\t")}
        # plus the expert info of a Lua error caught by the script's guard
        # (docs/lua-compat.md, "Errors"): Lua's alone
        want = {n for n in cnames if n.startswith("webrtc.")} | {"webrtc.lua_error"}
        self.assertEqual({n for n in names if n.startswith("webrtc.")}, want)

    def test_with_c_plugin(self):
        both = t.lua_sandbox(with_plugin=True)
        p, protos = listed(both, "protocols", both.lua_arg)
        self.assertEqual(p.stderr, t.STEP_ASIDE)
        self.assertIn("webrtc", protos)
        self.assertNotIn("webrtc_pt_guard", protos)


if __name__ == "__main__":
    unittest.main(verbosity=2)
