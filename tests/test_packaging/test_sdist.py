"""The sdist: built with `python -m build --sdist`, installed by pip into a fresh
virtual environment, it compiles the op and carries the configs mim lists."""
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import venv
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def run(*cmd, cwd=ROOT):
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, text=True, capture_output=True)
    assert result.returncode == 0, f'{cmd}:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}'
    return result.stdout


def last_line(text):
    """What a command printed last (the OpenMMLab packages print notes on import)."""
    return text.strip().splitlines()[-1]


def test_metafile_lists_every_config():
    index = yaml.safe_load((ROOT / 'model-index.yml').read_text())
    models = []
    for path in index['Import']:
        models += yaml.safe_load((ROOT / path).read_text())['Models']
    listed = {m['Config'] for m in models}
    configs = {str(p.relative_to(ROOT)) for p in (ROOT / 'configs/partdistill').glob('*.py')}
    assert listed == configs
    assert all(m['Name'] == Path(m['Config']).stem for m in models)


def test_mim_search_lists_the_configs():
    listed = run(sys.executable, '-m', 'mim', 'search', 'mmpartdistill')
    for config in ('partdistill-pipeline_mask2former_effnet-lite0_synthetic-parts',
                   'segformer_effnet-lite0_1xb8-1k_synthetic'):
        assert f'config id: {config}' in listed, listed[-2000:]


@pytest.mark.slow
def test_sdist_installs_into_a_fresh_venv_and_builds_the_op(tmp_path):
    # from a copy: building leaves an egg-info beside setup.py, which tools run
    # from the checkout would then take for the installed distribution
    source = tmp_path / 'source'
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns('.venv', '.git', 'work_dirs', 'data', 'dist', 'build',
                                      '*.egg-info', '__pycache__', '*.so', '.mim'))
    run(sys.executable, '-m', 'build', '--sdist', '--outdir', tmp_path / 'dist', cwd=source)
    (sdist, ) = (tmp_path / 'dist').glob('mmpartdistill-*.tar.gz')
    with tarfile.open(sdist) as tar:
        names = {n.split('/', 1)[1] for n in tar.getnames() if '/' in n}
    for wanted in ('LICENSE', 'model-index.yml', 'csrc/common/masked_kmeans_core.h',
                   'csrc/cuda/masked_kmeans_kernel.cu', 'csrc/cuda/masked_kmeans_kernel.cuh',
                   'configs/partdistill/metafile.yml', 'tools/train.py'):
        assert wanted in names, f'{wanted} is not in the sdist'

    env = tmp_path / 'venv'
    venv.create(env, with_pip=True)
    python = env / 'bin' / 'python'
    # the build needs torch, and the import needs the OpenMMLab stack: both are
    # taken from this environment, appended after the fresh one's own packages
    fresh = run(python, '-c', 'import sysconfig; print(sysconfig.get_path("purelib"))').strip()
    Path(fresh, 'outer_env.pth').write_text(sysconfig.get_path('purelib') + '\n')
    run(python,
        '-m',
        'pip',
        'install',
        '--no-build-isolation',
        '--no-deps',
        '--no-index',
        '--no-cache-dir',
        sdist,
        cwd=tmp_path)
    out = run(
        python,
        '-c', 'import mmpartdistill, mmpartdistill._ext, torch; '
        'from mmpartdistill.ops import masked_kmeans; '
        'x = torch.randn(40, 8); r = masked_kmeans(x, torch.tensor([0, 20, 40]), 2, 5); '
        'print(mmpartdistill.__file__, mmpartdistill._ext.__file__, r.labels.shape)',
        cwd=tmp_path)
    out = last_line(out)
    assert out.startswith(fresh) and 'torch.Size([40])' in out, out
    # what `mim search` reads from an installed wheel (onedl-mim 0.5.1 itself looks for it
    # in the dist-info folder of a package named like its module: see README)
    out = run(
        python,
        '-c', 'import mmpartdistill, os.path as p; from modelindex.load_model_index '
        'import load; index = load(p.join(p.dirname(mmpartdistill.__file__), ".mim", '
        '"model-index.yml")); index.build_models_with_collections(); '
        'print(len(index.models), [m.config for m in index.models][:1])',
        cwd=tmp_path)
    configs = len(list((ROOT / 'configs/partdistill').glob('*.py')))
    assert last_line(out).startswith(f'{configs} '), out
