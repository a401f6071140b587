"""Measuring rendered audio: levels (RMS, peak in dBFS), loudness after ITU-R BS.1770-4
(K-weighting, momentary/short-term/integrated), clap onsets and autocorrelation.

Signals are numpy arrays of float samples in -1..1, shape (channels, samples). Only 48 kHz: the
K-weighting filters below are the coefficients BS.1770-4 publishes for that rate.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

Signal = NDArray[np.float64]
RATE = 48000

# BS.1770-4, table 1 and 2: the pre-filter (a high shelf, +4 dB above ~1.5 kHz, for the head)
# and the RLB high-pass, at 48 kHz. Each row: (b0, b1, b2), (1, a1, a2).
_SHELF = (
    (1.53512485958697, -2.69169618940638, 1.19839281085285),
    (1.0, -1.69065929318241, 0.73248077421585),
)
_HIGHPASS = ((1.0, -2.0, 1.0), (1.0, -1.99004745483398, 0.99007225036621))


def dbfs(x: float) -> float:
    return 20 * math.log10(x) if x > 0 else -math.inf


def rms_dbfs(signal: Signal) -> float:
    return dbfs(float(np.sqrt(np.mean(np.square(signal)))))


def peak_dbfs(signal: Signal) -> float:
    return dbfs(float(np.max(np.abs(signal))))


def _apply(x: Signal, coefficients: tuple[tuple[float, ...], tuple[float, ...]]) -> Signal:
    """An IIR biquad applied in the frequency domain: exact up to the part of its impulse response
    after one second of zero padding, which for these filters is far below float precision."""
    b, a = coefficients
    n = x.shape[-1] + RATE
    size = 1 << (n - 1).bit_length()
    z = np.exp(-2j * np.pi * np.fft.rfftfreq(size))
    response = np.polyval(b[::-1], z) / np.polyval(a[::-1], z)
    filtered: Signal = np.fft.irfft(np.fft.rfft(x, size) * response, size)[..., : x.shape[-1]]
    return filtered


def k_weighted(signal: Signal) -> Signal:
    return _apply(_apply(signal, _SHELF), _HIGHPASS)


def _blocks(weighted: Signal, seconds: float, hop: float) -> Signal:
    """Mean square per block, summed over the channels (L and R weigh 1), one per hop."""
    size, step = round(seconds * RATE), round(hop * RATE)
    power = np.square(weighted).sum(axis=0)
    cumulative = np.concatenate(([0.0], np.cumsum(power)))
    starts = np.arange(0, power.shape[0] - size + 1, step)
    means: Signal = (cumulative[starts + size] - cumulative[starts]) / size
    return means


def _lufs(mean_square: Signal | float) -> Signal:
    with np.errstate(divide="ignore"):
        result: Signal = -0.691 + 10 * np.log10(mean_square)
    return result


def momentary(signal: Signal, hop: float = 0.1) -> Signal:
    """Momentary loudness (400 ms windows) in LUFS, every `hop` seconds."""
    return _lufs(_blocks(k_weighted(signal), 0.4, hop))


def short_term(signal: Signal, hop: float = 0.1) -> Signal:
    """Short-term loudness (3 s windows) in LUFS, every `hop` seconds."""
    return _lufs(_blocks(k_weighted(signal), 3.0, hop))


def integrated(signal: Signal) -> float:
    """Integrated loudness in LUFS, gated (absolute −70 LUFS, then relative −10 LU)."""
    blocks = _blocks(k_weighted(signal), 0.4, 0.1)
    kept = blocks[_lufs(blocks) > -70]
    if not kept.size:
        return -math.inf
    kept = kept[_lufs(kept) > float(_lufs(float(kept.mean()))) - 10]
    return float(_lufs(float(kept.mean())))


def fluctuation(signal: Signal, frame: float = 0.01) -> float:
    """Standard deviation (dB) of the level of `frame`-second pieces: a few people clapping
    (separate claps, gaps between them) fluctuate a lot, a roar of hundreds hardly at all."""
    mono = signal.sum(axis=0)
    size = round(frame * RATE)
    pieces = mono[: mono.shape[0] // size * size].reshape(-1, size)
    levels = 10 * np.log10(np.mean(np.square(pieces), axis=1) + 1e-20)
    return float(np.std(levels))


def onsets(signal: Signal, *, floor_db: float = -50, rise_db: float = 12) -> list[float]:
    """Clap onsets (s): 2 ms frames whose peak is above `floor_db` dBFS and `rise_db` above the
    loudest of the 20 ms before; at most one per 40 ms."""
    frame = RATE // 500
    mono = np.abs(signal).max(axis=0)
    count = mono.shape[0] // frame
    env = mono[: count * frame].reshape(count, frame).max(axis=1)
    floor, rise = 10 ** (floor_db / 20), 10 ** (rise_db / 20)
    found: list[float] = []
    for i in range(10, count):
        if env[i] > floor and env[i] > rise * env[i - 10 : i].max():
            t = i * frame / RATE
            if not found or t - found[-1] >= 0.04:
                found.append(t)
    return found


def beat_fit(intervals: list[float], *, tolerance: float = 0.08) -> tuple[float, float]:
    """The beat (s, 0.1–1 s) that the most intervals longer than 1.5 beats are whole multiples
    of (within ± `tolerance` beats), and that share. A metronome skipping beats gives 1.0;
    intervals with no common beat about 2 × tolerance (chance)."""
    best = (0.0, 0.0)
    long = np.array(intervals)
    for beat in np.arange(0.1, 1.0, 0.0025):
        pauses = long[long > 1.5 * beat]
        if pauses.size < 8:
            continue
        ratio = pauses / beat
        share = float(np.mean(np.abs(ratio - np.round(ratio)) < tolerance))
        if share > best[1]:
            best = (float(beat), share)
    return best


def bandpass(signal: Signal, low: float, high: float) -> Signal:
    """An ideal (FFT mask) band-pass of the channels' sum."""
    mono = signal.sum(axis=0)
    spectrum = np.fft.rfft(mono)
    freqs = np.fft.rfftfreq(mono.shape[0], 1 / RATE)
    spectrum[(freqs < low) | (freqs > high)] = 0
    band: Signal = np.fft.irfft(spectrum, mono.shape[0])
    return band


def autocorrelation_peak(x: Signal, min_lag: float, max_lag: float) -> tuple[float, float]:
    """The highest normalized autocorrelation of `x` at lags min_lag..max_lag seconds and its
    lag: Σ x(t)·x(t+τ) over the overlap, divided by both parts' energies."""
    n = x.shape[0]
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(x, size)
    raw = np.fft.irfft(spectrum * np.conj(spectrum), size)[:n]
    energy = np.concatenate(([0.0], np.cumsum(np.square(x))))
    lags = np.arange(round(min_lag * RATE), round(max_lag * RATE) + 1)
    head = energy[n - lags]  # x(0 .. n−τ)
    tail = energy[n] - energy[lags]  # x(τ .. n)
    r = raw[lags] / np.sqrt(head * tail)
    i = int(np.argmax(r))
    return float(r[i]), float(lags[i] / RATE)
