"""Packaging stays in step with the manifest: the wheel (whool), the Docker
image and the project's requirements all carry the addon's Python
dependencies."""

import ast
import pathlib
import re

import tomllib
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
ADDON = ROOT / "kundenbindung_addon"


def names(path):
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            found.add(re.split(r"[<>=!~ \[]", line, maxsplit=1)[0].lower())
    return found


def manifest():
    return ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))


def test_every_python_dependency_of_the_manifest_is_installed_everywhere():
    wanted = {name.lower() for name in manifest()["external_dependencies"]["python"]}
    assert wanted <= names(ROOT / "requirements.txt")
    assert wanted == names(ROOT / "docker" / "requirements-addon.txt")


def test_the_addon_builds_as_a_wheel_with_whool():
    build = tomllib.loads((ADDON / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    assert build == {"requires": ["whool"], "build-backend": "whool.buildapi"}
    # whool takes the version from the manifest: OCA's five-part Odoo version
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", manifest()["version"])


def test_the_demo_tooling_is_a_development_addon_outside_the_wheel():
    """Issue 19: the generator, the bulk loader and their Odoo test live in
    kundenbindung_demo, which depends on the addon and is never built as a
    wheel; the addon's wheel holds none of it and needs no Faker."""
    demo = ROOT / "kundenbindung_demo"
    demo_manifest = ast.literal_eval((demo / "__manifest__.py").read_text(encoding="utf-8"))
    assert demo_manifest["depends"] == ["kundenbindung_addon"]
    assert demo_manifest.get("installable", True) and not demo_manifest.get("application", False)
    assert not (demo / "pyproject.toml").exists()
    assert (demo / "tools" / "demo_loader.py").is_file() and (demo / "tests" / "test_demo_loader.py").is_file()
    assert not (ADDON / "tools").exists() and not (ADDON / "tests" / "test_demo_loader.py").exists()
    assert "faker" not in {name.lower() for name in manifest()["external_dependencies"]["python"]}


def test_docker_compose_mounts_the_addon_on_the_official_images():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    odoo = compose["services"]["odoo"]
    assert "./kundenbindung_addon:/mnt/extra-addons/kundenbindung_addon:ro" in odoo["volumes"]
    assert compose["services"]["db"]["image"].startswith("postgres:")
    dockerfile = (ROOT / odoo["build"] / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("# ") and "FROM odoo:18.0" in dockerfile


def test_the_addon_readme_is_generated_from_its_fragments():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_addon_readme.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_the_apps_page_shows_screenshots_that_exist():
    description = ADDON / "static" / "description"
    page = (description / "index.html").read_text(encoding="utf-8")
    images = re.findall(r'<img src="([^"]+)"', page)
    assert len(images) >= 4
    assert all((description / image).is_file() for image in images)
    assert "<script" not in page  # the Apps store strips scripts
