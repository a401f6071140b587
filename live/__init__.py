"""live: self-hosted live audience interaction (polls, questions, graded applause)."""

__version__ = "0.1.0"
