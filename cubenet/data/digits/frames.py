"""How each image size is rendered (below both the moves and the rasteriser, which both need it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Frame:
    """How one output size is rendered: work grid, glyph box height and pooling factor."""

    size: int
    work: int  # side of the binary work grid
    box: float  # glyph (ink) height on the work grid

    @property
    def pool(self) -> int:
        return self.work // self.size


FRAMES = {8: Frame(8, 32, 32.0), 16: Frame(16, 64, 62.0), 28: Frame(28, 84, 60.0)}
