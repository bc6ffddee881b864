"""Recordings made in the tests: a WAV of tones (the ``wave`` module), an MP3 of silent
frames and a WebM header stating its length, so no binary fixture is needed."""

from __future__ import annotations

import io
import math
import struct
import wave


def tone_wav(seconds: float, rate: int = 8000, pitch: float = 440.0) -> bytes:
    """A mono 16-bit WAV of a tone that changes pitch every second (it sounds like turns)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        frames = bytearray()
        for i in range(int(seconds * rate)):
            hz = pitch if (i // rate) % 2 == 0 else pitch * 1.5
            frames += struct.pack("<h", int(6000 * math.sin(2 * math.pi * hz * i / rate)))
        file.writeframes(bytes(frames))
    return out.getvalue()


def silent_mp3(frames: int = 200) -> bytes:
    """MPEG-1 layer III frames at 128 kb/s and 44.1 kHz, 1152 samples each (26 ms)."""
    header = b"\xff\xfb\x90\x00"
    return (header + bytes(417 - len(header))) * frames


def webm_header(seconds: float) -> bytes:
    """The start of a WebM file: the EBML magic, a TimecodeScale of 1 ms and a Duration."""
    return (
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm"
        + b"\x2a\xd7\xb1\x83\x0f\x42\x40"
        + b"\x44\x89\x88"
        + struct.pack(">d", seconds * 1000)
        + bytes(64)
    )
