"""A tshark sandbox (tests/lib/wstest.py) with a readable copy of
lua-compat/ and the `-X lua_script:` argument that loads it."""
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import wstest  # noqa: E402

STEP_ASIDE = "webrtc.lua: the webrtc C plugin is loaded; the Lua fallback steps aside\n"


def lua_sandbox(with_plugin):
    ts = wstest.Tshark(with_plugin=with_plugin)
    ts.lua = os.path.join(ts.files, "lua-compat")
    shutil.copytree(os.path.join(wstest.REPO, "lua-compat"), ts.lua)
    for dirpath, dirnames, filenames in os.walk(ts.lua):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)
    ts.lua_arg = ["-X", "lua_script:" + os.path.join(ts.lua, "webrtc.lua")]
    return ts
