#!/usr/bin/env python3
"""Drives EdgeAssistant's Wyoming server with the reference `wyoming` package as the client.

Usage: wyoming_client.py SOCKET [WAV]
Prints one JSON object per line: the parsed `info` (describe), then every event received for
the WAV streamed as audio-start / audio-chunk (1024 frames each) / audio-stop, up to and
including the `transcript`. Used by EdgeVoiceTests (WyomingServerTests).
"""
import asyncio
import json
import sys
import wave

from wyoming.asr import Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncClient
from wyoming.info import Describe, Info
from wyoming.wake import Detection, NotDetected


async def main(socket_path, wav_path):
    async with AsyncClient.from_uri(f"unix://{socket_path}") as client:
        await client.write_event(Describe().event())
        event = await asyncio.wait_for(client.read_event(), 10)
        info = Info.from_event(event)  # raises if the info does not parse
        print(json.dumps({"type": "info",
                          "wake": [{"name": p.name, "models": [m.name for m in p.models]} for p in info.wake],
                          "asr": [{"name": p.name, "models": [m.name for m in p.models]} for p in info.asr]}),
              flush=True)
        if wav_path is None:
            return
        with wave.open(wav_path, "rb") as w:
            rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
            await client.write_event(AudioStart(rate=rate, width=width, channels=channels).event())
            while True:
                frames = w.readframes(1024)
                if not frames:
                    break
                await client.write_event(AudioChunk(rate=rate, width=width, channels=channels, audio=frames).event())
        await client.write_event(AudioStop().event())
        while True:
            event = await asyncio.wait_for(client.read_event(), 20)
            if event is None:
                print(json.dumps({"type": "eof"}), flush=True)
                return
            if Detection.is_type(event.type):
                d = Detection.from_event(event)
                print(json.dumps({"type": "detection", "name": d.name, "timestamp": d.timestamp}), flush=True)
            elif NotDetected.is_type(event.type):
                print(json.dumps({"type": "not-detected"}), flush=True)
            elif Transcript.is_type(event.type):
                print(json.dumps({"type": "transcript", "text": Transcript.from_event(event).text}), flush=True)
                return
            else:
                print(json.dumps({"type": event.type, "data": event.data}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
