#!/usr/bin/env python3
"""Benchmark audio for the voice path (16 kHz mono 16-bit WAV files in OUT_DIR):

  silence.wav  60 s of room-tone-like noise at about -60 dBFS (what an idle microphone hears)
  speech.wav   about 60 s of continuous non-command English speech (espeak-ng, looped)
  words.wav    10 command words separated by 1.5 s of silence, with words.json giving each
               word's start/end in ms (for event-latency measurements)

usage: make_audio.py OUT_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np

RATE = 16000
TEXT = ("The weather this morning was mild and the market opened a little later than usual. "
        "Several people waited by the bakery, talking about the match from last night and the new "
        "bridge that the city is building across the river. ")


def write(path, x):
    pcm = np.clip(np.round(x * 32768), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def espeak(text):
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        subprocess.run(["espeak-ng", "-s", "160", "-w", f.name, text], check=True)
        with wave.open(f.name) as w:
            rate, data = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768.0
    # Linear-interpolation resampling is enough for a CPU benchmark (features need not be exact).
    t = np.arange(int(len(data) * RATE / rate)) * rate / RATE
    return np.interp(t, np.arange(len(data)), data).astype(np.float32)


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    write(os.path.join(out, "silence.wav"), rng.standard_normal(60 * RATE) * 0.001)
    speech = espeak(TEXT)
    reps = int(np.ceil(60 * RATE / len(speech)))
    write(os.path.join(out, "speech.wav"), np.tile(speech, reps)[: 60 * RATE])
    parts, marks, pos = [np.zeros(RATE // 2, np.float32)], [], RATE // 2
    for word in ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]:
        x = espeak(word)
        loud = np.nonzero(np.abs(x) > 0.02)[0]
        x = x[loud[0]: loud[-1] + 1]
        marks.append({"word": word, "start_ms": pos * 1000 // RATE, "end_ms": (pos + len(x)) * 1000 // RATE})
        parts += [x, np.zeros(3 * RATE // 2, np.float32)]
        pos += len(x) + 3 * RATE // 2
    write(os.path.join(out, "words.wav"), np.concatenate(parts))
    with open(os.path.join(out, "words.json"), "w") as f:
        json.dump(marks, f, indent=1)
    print(out)


if __name__ == "__main__":
    main(sys.argv[1])
