"""The sdist: built with `python -m build --sdist`, installed by pip into a fresh
virtual environment, it compiles the op and carries the configs mim lists."""
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


def test_metafile_lists_every_config():
    index = yaml.safe_load((ROOT / 'model-index.yml').read_text())
    models = []
    for path in index['Import']:
        models += yaml.safe_load((ROOT / path).read_text())['Models']
    listed = {m['Config'] for m in models}
    configs = {str(p.relative_to(ROOT)) for p in (ROOT / 'configs/partdistill').glob('*.py')}
    assert listed == configs
    assert all(m['Name'] == Path(m['Config']).stem for m in models)


@pytest.mark.slow
def test_sdist_installs_into_a_fresh_venv_and_builds_the_op(tmp_path):
    run(sys.executable, '-m', 'build', '--sdist', '--outdir', tmp_path / 'dist')
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
    run(python, '-m', 'pip', 'install', '--no-build-isolation', '--no-deps', '--no-index', sdist,
        cwd=tmp_path)
    out = run(
        python, '-c', 'import mmpartdistill, mmpartdistill._ext, torch; '
        'from mmpartdistill.ops import masked_kmeans; '
        'x = torch.randn(40, 8); r = masked_kmeans(x, torch.tensor([0, 20, 40]), 2, 5); '
        'print(mmpartdistill.__file__, mmpartdistill._ext.__file__, r.labels.shape)',
        cwd=tmp_path)
    assert out.startswith(fresh) and 'torch.Size([40])' in out, out
    listed = run(python, '-m', 'mim', 'search', 'mmpartdistill', cwd=tmp_path)
    for config in ('partdistill_tiny_synthetic', 'part-proposal_mask2former_r18_1xb8-500i'):
        assert config in listed, listed[-2000:]
