"""The workshop: puzzles that make "a network is moves that unscramble" concrete, and their checker.

``puzzles`` loads the puzzle set and keeps a learner's workspace and progress; ``checker`` runs a
learner's answer (in a subprocess, with a time limit) against the puzzle's check in ``checks``;
``guard`` refuses forbidden shortcuts; ``figures`` draws "yours vs target" pictures.
"""
