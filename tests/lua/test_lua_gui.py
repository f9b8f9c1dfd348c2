"""lua-compat in the GUI: Statistics > WebRTC Sessions (Lua) in Wireshark
(Qt) under Xvfb, WITHOUT the C plugin and with -X lua_script: of the Lua
fallback. Clicks the Statistics menu and the Lua entry (register_menu with
MENU_PACKET_STAT_UNSORTED puts it 4th in the menu's second section, after
"ONC-RPC Programs", on Debian 12's Qt: 289 px below the menu's top edge,
measured on a screenshot) and checks that the text
window "WebRTC Sessions (Lua fallback)" opened; a screenshot is left in
$WEBRTC_GUI_SHOT (default: gui-webrtc-sessions-lua.png in the build folder).
Same machinery as tests/gui/test_gui.py.
"""
import os
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "gui"))
import luasandbox  # noqa: E402
import test_gui as g  # noqa: E402
import wstest  # noqa: E402

TITLE = "WebRTC Sessions (Lua fallback)"
# A free display from :90 on, apart from tests/gui/test_gui.py's :70-:89
# (ctest -j) and from displays other runs on the machine hold (X lock file).
def _free_display():
    start = os.getpid() % 20
    for i in range(20):
        d = 90 + (start + i) % 20
        if not os.path.exists("/tmp/.X%d-lock" % d):
            return ":%d" % d
    return ":%d" % (90 + start)


g.DISPLAY = _free_display()


class LuaGui(g.Gui):
    @classmethod
    def setUpClass(cls):
        if os.environ.get("WEBRTC_NO_GUI") == "1":
            raise unittest.SkipTest("WEBRTC_NO_GUI=1")
        lua = luasandbox.lua_sandbox(with_plugin=False)
        # Reuse Gui.setUpClass with this sandbox: wstest.Tshark is what it builds.
        orig = wstest.Tshark
        wstest.Tshark = lambda with_plugin=True: lua
        try:
            g.Gui.setUpClass.__func__(cls)
        finally:
            wstest.Tshark = orig
        # Gui started wireshark without the script: restart it with it.
        wireshark = cls.procs.pop()
        wireshark.terminate()
        wireshark.wait(10)
        runtime = os.path.join(lua.root, "xdg")
        cmd = ["wireshark", "-r", lua.capture(g.CAPTURE)] + lua.lua_arg
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=%d" % wstest.NOBODY_UID,
                   "--regid=%d" % wstest.NOBODY_GID, "--clear-groups"] + cmd
        e = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": lua.home,
             "WIRESHARK_PLUGIN_DIR": lua.plugins, "WIRESHARK_EXTCAP_DIR": lua.extcap,
             "LC_ALL": "C.UTF-8", "DISPLAY": g.DISPLAY, "XDG_RUNTIME_DIR": runtime,
             "QT_QPA_PLATFORM": "xcb"}
        cls.procs.append(subprocess.Popen(cmd, env=e, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))

    def test_statistics_menu_opens_webrtc_sessions(self):
        main = g.wait_for(lambda: [w for w in g.windows()
                                   if w[0] == g.CAPTURE + ".pcapng" and w[1] > 100], 60)
        self.assertTrue(main, "main window did not appear: %s" % g.windows())
        _, width, _, x, y = main[0]
        time.sleep(3)
        g.click(x + 325, y + 10)
        popup = g.wait_for(lambda: [w for w in g.windows()
                                    if w[0] != g.CAPTURE + ".pcapng" and w[2] > 300 and
                                    w[4] > y and w[3] > x + 200], 10)
        self.assertTrue(popup, "Statistics menu did not open: %s" % g.windows())
        _, pw, ph, px, py = max(popup, key=lambda w: w[2])
        g.click(px + 80, py + 289)
        dialog = g.wait_for(lambda: [w for w in g.windows() if TITLE in w[0]], 30)
        shot = os.environ.get("WEBRTC_GUI_SHOT",
                              os.path.join(os.getcwd(), "gui-webrtc-sessions-lua.png"))
        time.sleep(2)
        subprocess.run(["import", "-window", "root", shot], env=g.xenv())
        self.assertTrue(dialog, "no %s window: %s" % (TITLE, g.windows()))


if __name__ == "__main__":
    unittest.main(verbosity=2)
