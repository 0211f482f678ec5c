import importlib

import pytest

from mmpartdistill.utils import dependencies


def test_current_environment_passes():
    dependencies.check_dependencies()


def test_out_of_range_version_is_named(monkeypatch):
    real = importlib.import_module
    fake_mmcv = type('M', (), {'__version__': '1.7.2'})

    def fake_import(name, *args):
        return fake_mmcv if name == 'mmcv' else real(name, *args)

    monkeypatch.setattr(dependencies.importlib, 'import_module', fake_import)
    with pytest.raises(
            ImportError,
            match=r'mmcv 1.7.2 is installed, but mmpartdistill needs '
            r'2.0.0 <= mmcv < 2.4.0 \(for example pip install onedl-mmcv\)'):
        dependencies.check_dependencies()


def test_missing_package_is_named(monkeypatch):
    real = dependencies.importlib.util.find_spec
    monkeypatch.setattr(dependencies.importlib.util, 'find_spec', lambda name: None
                        if name == 'mmdet' else real(name))
    with pytest.raises(
            ImportError, match=r'mmdet is not installed \(pip install onedl-mmdetection\)'):
        dependencies.check_dependencies()
