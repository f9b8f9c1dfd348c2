#!/usr/bin/env python3
"""Screenshot of Wireshark's RTP Player playing the decrypted baresip-sdes
call (docs/gui-rtp-player-sdes.png). Not part of ctest: the Player's
decoding is tested without the GUI by tests/player (rtp_play); this only
shows what a user sees.

  WEBRTC_PLUGIN_SO=build/plugin/webrtc.so tests/gui/rtp_player_shot.py [OUT.png]

Xvfb + wireshark as the unprivileged user with the built plugin (as
tests/gui/test_gui.py), then the clicks a user makes: Telephony > VoIP
Calls, the call's row, Play Streams. The click positions were measured on
Debian 12's Qt rendering (1280x900 screen, main window at 20,20).
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(__file__))
import test_gui as g  # noqa: E402
import wstest  # noqa: E402

CAPTURE = "baresip-sdes"
PLAYER = "Wireshark · RTP Player"


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "gui-rtp-player-sdes.png")
    ts = wstest.Tshark(with_plugin=True)
    procs = [subprocess.Popen(["Xvfb", g.DISPLAY, "-screen", "0", "1280x900x24", "-ac",
                               "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        runtime = os.path.join(ts.root, "xdg")
        os.makedirs(runtime)
        os.chmod(runtime, 0o700)
        cmd = ["wireshark", "-r", ts.capture(CAPTURE)]
        if os.geteuid() == 0:
            os.chown(runtime, wstest.NOBODY_UID, wstest.NOBODY_GID)
            cmd = ["setpriv", "--reuid=%d" % wstest.NOBODY_UID,
                   "--regid=%d" % wstest.NOBODY_GID, "--clear-groups"] + cmd
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": ts.home,
               "WIRESHARK_PLUGIN_DIR": ts.plugins, "WIRESHARK_EXTCAP_DIR": ts.extcap,
               "LC_ALL": "C.UTF-8", "DISPLAY": g.DISPLAY, "XDG_RUNTIME_DIR": runtime,
               "QT_QPA_PLATFORM": "xcb"}
        g.wait_for(lambda: subprocess.run(["xwininfo", "-root"], capture_output=True,
                                          env=g.xenv()).returncode == 0, 20)
        procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        main_win = g.wait_for(lambda: [w for w in g.windows()
                                       if w[0] == CAPTURE + ".pcapng" and w[1] > 100], 60)
        if not main_win:
            sys.exit("main window did not appear: %s" % g.windows())
        _, _, _, x, y = main_win[0]
        time.sleep(3)
        g.click(x + 400, y + 10)          # Telephony
        time.sleep(2)
        g.click(x + 425, y + 34)          # VoIP Calls (first entry)
        calls = g.wait_for(lambda: [w for w in g.windows() if "VoIP Calls" in w[0]], 20)
        if not calls:
            sys.exit("no VoIP Calls window: %s" % g.windows())
        _, cw, ch, cx, cy = calls[0]
        time.sleep(3)
        g.click(cx + 150, cy + 41)        # the call's row
        time.sleep(1)
        g.click(cx + 335, cy + 342)       # Play Streams
        player = g.wait_for(lambda: [w for w in g.windows() if w[0] == PLAYER], 30)
        if not player:
            sys.exit("no RTP Player window: %s" % g.windows())
        _, pw, ph, px, py = player[0]
        time.sleep(8)                     # decoding and drawing the waveforms
        subprocess.run(["import", "-window", "root", "-crop", "%dx%d+%d+%d" % (pw, ph, px, py),
                        "+repage", out], env=g.xenv(), check=True)
        print("wrote %s (%dx%d)" % (out, pw, ph))
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
