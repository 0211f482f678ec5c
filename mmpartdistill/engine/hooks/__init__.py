from .part_ranking_hook import PartRankingHook

__all__ = ['PartRankingHook']
