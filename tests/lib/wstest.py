"""Run tshark with (or deliberately without) the freshly built webrtc plugin.

tshark ignores WIRESHARK_PLUGIN_DIR and the personal plugin folder when it runs
as root, so when the tests run as root (as CI does) every tshark runs as the
unprivileged user `nobody` through setpriv, from a world-readable temporary
copy of the plugin and of the captures. Before a test relies on the plugin it
asserts that tshark really loaded it (`tshark -G protocols` lists `webrtc`):
a test that silently ran without the plugin would prove nothing.

Environment (set by ctest, see tests/CMakeLists.txt):
  WEBRTC_PLUGIN_SO   path of the built webrtc.so
  WEBRTC_REPO        repository root (for test-captures/)
"""
import atexit
import glob
import json
import os
import shutil
import subprocess
import tempfile

REPO = os.environ.get("WEBRTC_REPO") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
CAPTURES = os.path.join(REPO, "test-captures")
NOBODY_UID = 65534
NOBODY_GID = 65534


def capture_names():
    """Names (without extension) of every capture that has a ground truth."""
    return sorted(os.path.basename(p)[:-5]
                  for p in glob.glob(os.path.join(CAPTURES, "*.json")))


# Public captures of real calls (test-captures/public/MANIFEST.md): their
# ground truths are in the repository, the capture files are not (data
# fetched from other projects is not committed here); they are looked for in
# $WEBRTC_PUBLIC_CAPTURES, then beside the truths.
PUBLIC = os.path.join(CAPTURES, "public")


def public_names():
    """"public/NAME" of every public capture's ground truth."""
    return sorted("public/" + os.path.basename(p)[:-5]
                  for p in glob.glob(os.path.join(PUBLIC, "*.json"))
                  if os.path.basename(p) != "before.json")


def find_public_capture(filename):
    """The path of a public capture file, or None when it is not here."""
    for d in (os.environ.get("WEBRTC_PUBLIC_CAPTURES"), PUBLIC):
        if d and os.path.exists(os.path.join(d, filename)):
            return os.path.join(d, filename)
    return None


def table_key_rows(keys):
    """[(key, uat string)]: a ground truth's "table" keys (chosen by the
    generator, not on the wire) as SRTP keys table rows (-o VALUE), one per
    SSRC; a key with no SSRC (an RTP receiver's, for its SRTCP reports) gets
    one per sender endpoint of its RTCP instead."""
    rows = []
    for k in keys:
        if k["source"] != "table":
            continue
        cols = [("%s" % ssrc, "") for ssrc in k["ssrcs"]]
        if not cols and k.get("rtcp_flow"):
            cols = [("", k["rtcp_flow"].split(" -> ")[0])]
        for ssrc, src in cols:
            rows.append((k, 'uat:webrtc_srtp_keys:"%s","%s","","%s","%s",""' % (
                ssrc, src, k["suite"], k["key_salt_b64"])))
    return rows


def ground_truth(name):
    with open(os.path.join(CAPTURES, name + ".json")) as f:
        return json.load(f)


def _system_plugin_dir():
    out = subprocess.run(["tshark", "-G", "folders"], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("Global Plugins:"):
            return line.split(":", 1)[1].strip()
    raise RuntimeError("tshark -G folders names no global plugin folder")


class Tshark:
    """A private, world-readable sandbox in which tshark runs as non-root.

    with_plugin=True puts the built webrtc.so next to symlinks of the system's
    own plugins (WIRESHARK_PLUGIN_DIR replaces the system folder), so tshark
    sees exactly what a user with the plugin installed sees. with_plugin=False
    gives the same set without webrtc.so: plain Wireshark, even on a machine
    where the plugin was installed system-wide.
    """

    def __init__(self, with_plugin=True, plugin_so=None):
        self.with_plugin = with_plugin
        self.root = tempfile.mkdtemp(prefix="webrtc-test-")
        atexit.register(shutil.rmtree, self.root, True)
        os.chmod(self.root, 0o755)
        self.home = os.path.join(self.root, "home")
        # WIRESHARK_PLUGIN_DIR/<major.minor>/{epan,wiretap,codecs}/*.so
        self.plugins = os.path.join(self.root, "plugins")
        self.files = os.path.join(self.root, "files")
        # No extcap programs: tshark need not start them for every command
        # (and an extcap child with a sanitizer runtime preloaded can hang
        # in its exit handlers, which has nothing to do with the plugin).
        self.extcap = os.path.join(self.root, "extcap")
        os.makedirs(self.extcap)
        sysdir = _system_plugin_dir()
        versioned = os.path.join(self.plugins, os.path.basename(sysdir))
        for d in (self.home, self.files):
            os.makedirs(d)
        for sub in ("epan", "wiretap", "codecs"):
            os.makedirs(os.path.join(versioned, sub))
            for so in glob.glob(os.path.join(sysdir, sub, "*.so")):
                if os.path.basename(so) == "webrtc.so":
                    continue  # a system-wide install must not leak in
                os.symlink(so, os.path.join(versioned, sub, os.path.basename(so)))
        if with_plugin:
            so = plugin_so or os.environ["WEBRTC_PLUGIN_SO"]
            shutil.copy(so, os.path.join(versioned, "epan", "webrtc.so"))
        for dirpath, dirnames, filenames in os.walk(self.root):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o755)
            for f in filenames:
                p = os.path.join(dirpath, f)
                if not os.path.islink(p):
                    os.chmod(p, 0o644)
        os.chmod(self.home, 0o777)
        os.chmod(self.files, 0o1777)  # tshark -w writes here as nobody
        if with_plugin:
            self.assert_plugin_loaded()

    def capture(self, name_or_path):
        """A readable copy of a capture (name in test-captures/ or a path)."""
        src = name_or_path if os.path.sep in name_or_path else \
            os.path.join(CAPTURES, name_or_path if "." in name_or_path
                         else name_or_path + ".pcapng")
        if not os.path.exists(src) and os.path.sep not in name_or_path:
            src = find_public_capture(name_or_path) or src
        dst = os.path.join(self.files, os.path.basename(src))
        if not os.path.exists(dst):
            shutil.copy(src, dst)
            os.chmod(dst, 0o644)
        return dst

    def run(self, args, check=True, env=None, timeout=None, prefix=()):
        """tshark ARGS as nobody; `prefix` goes before tshark (e.g. valgrind)."""
        return self.run_program(list(prefix) + ["tshark"] + list(args), check=check,
                                env=env, timeout=timeout)

    def run_program(self, cmd, check=True, env=None, timeout=None):
        """Any program linked with libwireshark (e.g. tests/player/rtp_play)
        as nobody, with this sandbox's plugin folder, home and extcap."""
        cmd = list(cmd)
        e = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": self.home,
             "WIRESHARK_PLUGIN_DIR": self.plugins, "WIRESHARK_EXTCAP_DIR": self.extcap,
             "LC_ALL": "C.UTF-8",
             "TZ": "UTC"}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                e[k] = os.environ[k]
        if os.environ.get("WEBRTC_LD_PRELOAD") and self.with_plugin:
            e["LD_PRELOAD"] = os.environ["WEBRTC_LD_PRELOAD"]
        if env:
            e.update(env)
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=%d" % NOBODY_UID, "--regid=%d" % NOBODY_GID,
                   "--clear-groups"] + cmd
        # errors="replace": dissected strings of mutated captures need not
        # be valid UTF-8.
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", env=e,
                           cwd=self.files, timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError("%s exited %d\nstderr:\n%s" %
                                 (" ".join(cmd), p.returncode, p.stderr[-4000:]))
        return p

    def out(self, args):
        return self.run(args).stdout

    def fields(self, capture, fields, display_filter=None, extra=()):
        """Rows of -T fields output as lists of strings."""
        args = ["-r", self.capture(capture), "-T", "fields",
                "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
        for f in fields:
            args += ["-e", f]
        if display_filter:
            args += ["-Y", display_filter]
        args += list(extra)
        rows = []
        for line in self.out(args).splitlines():
            rows.append(line.split("\t"))
        return rows

    def assert_plugin_loaded(self):
        out = self.run(["-G", "protocols"]).stdout
        names = {line.split("\t")[2] for line in out.splitlines()
                 if line.count("\t") >= 2}
        if "webrtc" not in names:
            raise AssertionError("tshark did not load the webrtc plugin from %s"
                                 % self.plugins)
