"""What importing the package and its op loads, each in a fresh interpreter."""
import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / 'mmpartdistill'
OPENMMLAB = ('mmengine', 'mmcv', 'mmdet', 'mmseg', 'mmpretrain')

# who may import whom: a module may import its own layer and those below it
LAYERS = {
    'version': 0, '_ext': 0, 'ops': 0, 'utils': 0,
    'datasets': 1,
    'evaluation': 2, 'models': 2,
    'engine': 3,
    'apis': 4, 'visualization': 4,
    'registration': 5, '__init__': 5,
}


def fresh(code: str) -> dict:
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]), stderr=out.stderr,
                stdout=out.stdout)


def loaded_openmmlab() -> str:
    return ('import json, sys; print(json.dumps({"loaded": sorted({m.split(".")[0] for m in '
            f'sys.modules}} & set({OPENMMLAB!r}))}}))')


@pytest.mark.parametrize('statement', [
    'import mmpartdistill.ops', 'from mmpartdistill.ops import masked_kmeans',
    'import mmpartdistill.ops.masked_kmeans'
])
def test_op_imports_torch_and_the_extension_only(statement):
    got = fresh(f'{statement}\nimport sys\nassert "mmpartdistill._ext" in sys.modules\n' +
                loaded_openmmlab())
    assert got['loaded'] == []


def test_package_import_registers_every_component_quietly():
    got = fresh('import mmpartdistill\nfrom mmdet.registry import DATASETS, HOOKS, LOOPS, '
                'METRICS, MODELS, VISUALIZERS\nfrom mmengine.registry import RUNNERS\n'
                'import json\nprint(json.dumps({"found": [r.get(n) is not None for r, n in ['
                '(MODELS, "PartDistillationHead"), (MODELS, "PartProposalDetector"), '
                '(DATASETS, "PseudoPartsDataset"), (HOOKS, "PartRankingHook"), '
                '(LOOPS, "SelfTrainingLoop"), (METRICS, "PartMIoUMetric"), '
                '(VISUALIZERS, "PartLocalVisualizer"), (RUNNERS, "PartDistillationPipeline")]]}))')
    assert all(got['found'])
    assert got['stdout'].strip().count('\n') == 0, got['stdout']
    assert got['stderr'] == ''


def test_register_all_modules_after_the_op_alone():
    """A process that imported the op alone registers with the explicit call."""
    got = fresh('import mmpartdistill.ops\nimport mmpartdistill\nimport mmengine\n'
                'from mmpartdistill import register_all_modules\nregister_all_modules()\n'
                'from mmdet.registry import MODELS\nimport json\n'
                'print(json.dumps({"found": MODELS.get("PartDistillationHead") is not None}))')
    assert got['found']


def test_custom_imports_in_a_fresh_config_run():
    got = fresh('from mmengine.config import Config\n'
                'Config.fromfile("configs/partdistill/'
                'axis-bands-baseline_k4_synthetic-parts.py")\n'
                'from mmdet.registry import MODELS\nimport json\n'
                'print(json.dumps({"found": MODELS.get("AxisBandsBaseline") is not None}))')
    assert got['found']


def imported_layers(path: Path) -> set:
    """The package's top-level layers a module imports (relative imports resolved)."""
    parts = path.relative_to(ROOT).with_suffix('').parts
    package = parts[:-1] if parts[-1] != '__init__' else parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = list(base) + (node.module.split('.') if node.module else [])
                names = [target] if node.module else [target + [a.name] for a in node.names]
            else:
                names = [(node.module or '').split('.')]
        elif isinstance(node, ast.Import):
            names = [a.name.split('.') for a in node.names]
        else:
            continue
        for name in names:
            if name[0] == 'mmpartdistill' and len(name) > 1:
                found.add(name[1])
    return found


def layer_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix('').parts
    return parts[0]


def test_no_layer_imports_a_higher_one():
    wrong = []
    for path in sorted(PACKAGE.rglob('*.py')):
        if '.mim' in path.parts:
            continue
        own = LAYERS[layer_of(path)]
        for layer in imported_layers(path):
            if LAYERS[layer] > own:
                wrong.append(f'{path.relative_to(ROOT)} imports {layer}')
    assert wrong == []


def test_utils_name_no_model_or_dataset_type():
    names = ('Dataset', 'Head', 'Detector', 'Mask2Former', 'Metric', 'Loop', 'Hook')
    for path in (PACKAGE / 'utils').glob('*.py'):
        strings = [n.value for n in ast.walk(ast.parse(path.read_text()))
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        typed = [s for s in strings if s.isidentifier() and any(s.endswith(n) for n in names)]
        assert typed == [], f'{path.name} names {typed}'
