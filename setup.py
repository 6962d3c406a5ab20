"""Maps the top-level folders onto the `envfactory.*` namespace (DESIGN §1).

Metadata lives in pyproject.toml; this file only computes the package list, which setuptools
cannot derive by itself when every subsystem folder is renamed into the namespace.
"""

from setuptools import find_packages, setup

SUBSYSTEMS = ("environments", "sdk", "server", "factory", "trainer", "cli")

setup(
    packages=[
        f"envfactory.{sub}{'.' + pkg if pkg else ''}"
        for sub in SUBSYSTEMS
        for pkg in ["", *find_packages(sub)]
    ],
    package_dir={f"envfactory.{sub}": sub for sub in SUBSYSTEMS},
)
