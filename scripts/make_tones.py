"""Write the breathing guide's sound cues: resources/sounds/breath-{in,hold,out}.wav.

Three soft, short sine tones, one pitch each, so a rep with their eyes shut can tell the
phases apart: a higher one for breathing in, a middle one for holding, a lower one for
breathing out. Each rises gently and fades away (no click at either end), and is quiet
(-12 dBFS at its peak) next to a dialer's ring. Plain Python (wave, math), so the files can
be made again anywhere: `python scripts/make_tones.py`.
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "sounds"
RATE = 44_100
SECONDS = 0.45
ATTACK = 0.04  # seconds of raised-cosine fade-in
PEAK = 0.25  # of full scale, about -12 dBFS
# Far apart (none a harmonic of another), all in the range laptop speakers play well.
TONES = {"in": 660.0, "hold": 495.0, "out": 396.0}


def samples(frequency: float) -> list[int]:
    count = int(RATE * SECONDS)
    attack = int(RATE * ATTACK)
    out = []
    for n in range(count):
        t = n / RATE
        if n < attack:
            envelope = 0.5 - 0.5 * math.cos(math.pi * n / attack)
        else:
            # An exponential fade, ending at exactly zero over the last few milliseconds.
            into = (n - attack) / (count - attack)
            envelope = math.exp(-3.0 * into) * min(1.0, (count - n) / (0.01 * RATE))
        out.append(round(32767 * PEAK * envelope * math.sin(2 * math.pi * frequency * t)))
    return out


def write(path: Path, frequency: float) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        data = samples(frequency)
        wav.writeframes(struct.pack(f"<{len(data)}h", *data))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, frequency in TONES.items():
        path = OUT / f"breath-{name}.wav"
        write(path, frequency)
        print(f"{path.relative_to(ROOT)}: {frequency:g} Hz, {SECONDS:g} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
