"""Runs every oracle script in this folder, in name order; exits non-zero if any fails."""
import pathlib
import subprocess
import sys

here = pathlib.Path(__file__).resolve().parent
failed = []
for script in sorted(here.glob("[!_]*.py")):
    if script.name == "all.py":
        continue
    if subprocess.run([sys.executable, str(script)], cwd=here).returncode != 0:
        failed.append(script.name)
    print()
if failed:
    sys.exit("failed: " + ", ".join(failed))
