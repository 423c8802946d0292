"""Small builders for core inputs in tests (no files)."""

from __future__ import annotations

from fractions import Fraction

from godnaravard.core import Inputs, Recipient, RuralKey


def make_inputs(
    populations: list[int],
    hsl: list[int] | None = None,
    rural: list[tuple[int, int, int]] | None = None,
) -> Inputs:
    """Regions "01", "02", … with the given counts; rural categories known for every region."""
    hsl = hsl if hsl is not None else [max(1, p // 20) for p in populations]
    rural = rural if rural is not None else [(p // 10, p // 20, p // 50) for p in populations]
    recipients = tuple(
        Recipient(code=f"{i + 1:02d}", name=f"Region {i + 1}", lan=f"Län {i + 1}",
                  counts={"population": p, "hsl_insatser": h})
        for i, (p, h) in enumerate(zip(populations, hsl, strict=True))
    )
    key = tuple(
        RuralKey(f"{i + 1:02d}", {"tatortsnara": t, "gles": g, "mycket_gles": m}) for i, (t, g, m) in enumerate(rural)
    )
    reference = {"tatortsnara": Fraction(1), "gles": Fraction(4), "mycket_gles": Fraction(6)}
    return Inputs(recipients=recipients, rural_key=key, reference_weights=reference)
