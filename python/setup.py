"""pip install --no-build-isolation ./python (from the repository root): builds the extension
with the project's CMake (MEDNER_PYTHON=ON, Release, the Debian packages of scripts/install-deps.sh)
and installs the package medner with it. --no-build-isolation uses the installed setuptools
instead of downloading one, which a machine without internet needs."""
import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent.parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = pathlib.Path(self.build_temp).resolve() / "cmake"
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                        "-DMEDNER_PYTHON=ON", "-DMEDNER_BUILD_TESTS=OFF", f"-DPYTHON_EXECUTABLE={sys.executable}"],
                       check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "_medner", "-j", str(os.cpu_count() or 1)],
                       check=True)
        built = next((build / "python" / "medner").glob("_medner*.so"))
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(built, target)


setup(packages=["medner"], ext_modules=[Extension("medner._medner", sources=[])], cmdclass={"build_ext": CMakeBuild})
