"""The GUI: Statistics > WebRTC Sessions in Wireshark (Qt) under Xvfb.

Starts Xvfb and wireshark (as the unprivileged user, with the built plugin,
as the capture tests run tshark) on chromium-turn.pcapng, clicks the
Statistics menu and its last entry, and checks that a window titled
"Wireshark · WebRTC Sessions · chromium-turn.pcapng" opened. A screenshot is
left in $WEBRTC_GUI_SHOT (default: the build folder) for docs/ and for
whoever looks into a failure. No window manager: keyboard shortcuts do not
reach the menus, mouse clicks do (see ../shared/ARCHITECTURE.md recipes).
"""
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402

DISPLAY = ":%d" % (70 + os.getpid() % 20)
TITLE = "WebRTC Sessions"
CAPTURE = "chromium-turn"


def xenv():
    return dict(os.environ, DISPLAY=DISPLAY)


def windows():
    out = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                         env=xenv()).stdout
    wins = []
    for line in out.splitlines():
        m = re.search(r'(0x[0-9a-f]+) "(.*?)":.*?(\d+)x(\d+)\+(-?\d+)\+(-?\d+)\s', line)
        if m:
            wins.append((m.group(2), int(m.group(3)), int(m.group(4)),
                         int(m.group(5)), int(m.group(6))))
    return wins


def wait_for(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = pred()
        if found:
            return found
        time.sleep(0.5)
    return None


def click(x, y):
    subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], env=xenv(), check=True)


class Gui(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.environ.get("WEBRTC_NO_GUI") == "1":
            raise unittest.SkipTest("WEBRTC_NO_GUI=1")
        for tool in ("Xvfb", "wireshark", "xdotool", "xwininfo", "import"):
            if not shutil.which(tool):
                raise AssertionError("%s is not installed (./test.sh installs it; "
                                     "WEBRTC_NO_GUI=1 skips this test)" % tool)
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.procs = []
        cls.procs.append(subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1280x900x24",
                                           "-ac", "-nolisten", "tcp"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        runtime = os.path.join(cls.ts.root, "xdg")
        os.makedirs(runtime)
        os.chmod(runtime, 0o700)
        if os.geteuid() == 0:
            os.chown(runtime, wstest.NOBODY_UID, wstest.NOBODY_GID)
        env = {"DISPLAY": DISPLAY, "XDG_RUNTIME_DIR": runtime, "QT_QPA_PLATFORM": "xcb"}
        cap = cls.ts.capture(CAPTURE)
        cmd = ["wireshark", "-r", cap]
        e = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": cls.ts.home,
             "WIRESHARK_PLUGIN_DIR": cls.ts.plugins, "WIRESHARK_EXTCAP_DIR": cls.ts.extcap,
             "LC_ALL": "C.UTF-8"}
        e.update(env)
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
            if k in os.environ:
                e[k] = os.environ[k]
        if os.environ.get("WEBRTC_LD_PRELOAD"):
            e["LD_PRELOAD"] = os.environ["WEBRTC_LD_PRELOAD"]  # sanitized build
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=%d" % wstest.NOBODY_UID, "--regid=%d" % wstest.NOBODY_GID,
                   "--clear-groups"] + cmd
        wait_for(lambda: subprocess.run(["xwininfo", "-root"], capture_output=True,
                                        env=xenv()).returncode == 0, 20)
        cls.procs.append(subprocess.Popen(cmd, env=e, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))

    @classmethod
    def tearDownClass(cls):
        for p in reversed(getattr(cls, "procs", [])):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()

    def test_statistics_menu_opens_webrtc_sessions(self):
        main = wait_for(lambda: [w for w in windows()
                                 if w[0] == CAPTURE + ".pcapng" and w[1] > 100], 60)
        self.assertTrue(main, "main window did not appear: %s" % windows())
        _, width, _, x, y = main[0]
        # "Statistics" is the 7th menu; its x offset is measured on the menu
        # bar rendering of Debian 12's Qt (File Edit View Go Capture Analyze
        # Statistics ...): 325 px from the window's left edge, 10 px down.
        time.sleep(3)  # the packet list finishes loading
        click(x + 325, y + 10)
        popup = wait_for(lambda: [w for w in windows()
                                  if w[0] != CAPTURE + ".pcapng" and w[2] > 300 and
                                  w[4] > y and w[3] > x + 200], 10)
        self.assertTrue(popup, "Statistics menu did not open: %s" % windows())
        _, pw, ph, px, py = max(popup, key=lambda w: w[2])
        # The plugin's entry is the last one (after a separator).
        click(px + 80, py + ph - 12)
        dialog = wait_for(lambda: [w for w in windows() if TITLE in w[0]], 30)
        shot = os.environ.get("WEBRTC_GUI_SHOT", os.path.join(os.getcwd(), "gui-webrtc-sessions.png"))
        time.sleep(2)
        subprocess.run(["import", "-window", "root", shot], env=xenv())
        self.assertTrue(dialog, "no WebRTC Sessions window: %s" % windows())
        self.assertEqual(dialog[0][0], "Wireshark · WebRTC Sessions · %s.pcapng" % CAPTURE)


if __name__ == "__main__":
    unittest.main(verbosity=2)
