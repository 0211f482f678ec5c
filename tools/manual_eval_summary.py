"""Per-class and overall scores of the manual evaluation, from the galleries' rating files.

    python tools/manual_eval_summary.py ratings-*.json [--out summary.json]

Each criterion (precision, diversity, generality) is given as the mean over
raters ± the standard deviation between them.
"""
import argparse

from mmpartdistill.evaluation import RatingsError, summarize_ratings
from mmpartdistill.utils import atomic_write_json, markdown_table


def cell(figure: dict) -> str:
    return f"{figure['mean']:.2f} ± {figure['std']:.2f} ({figure['n']})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('ratings', nargs='+', help='rating files saved by the gallery')
    parser.add_argument('--out', help='write the summary as JSON here')
    args = parser.parse_args()
    try:
        summary = summarize_ratings(args.ratings)
    except RatingsError as e:
        raise SystemExit(f'error: {e}') from None
    criteria = summary['criteria']
    scale = summary['scale']
    print(f'{len(summary["raters"])} raters ({", ".join(summary["raters"])}), scale '
          f'{scale["min"]}-{scale["max"]}; mean ± std between raters (raters)')
    rows = [[name, *(cell(scores[c]) for c in criteria)]
            for name, scores in summary['classes'].items()]
    rows.append(['overall (per rater, then between raters)',
                 *(cell(summary['overall'][c]) for c in criteria)])
    print('\n'.join(markdown_table(['class', *criteria], rows)))
    for path in summary['replaced']:
        print(f'note: {path} was replaced by a later file of the same rater')
    if args.out:
        atomic_write_json(summary, args.out)


if __name__ == '__main__':
    main()
