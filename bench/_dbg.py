import sys

from bench.perf import Config, run_once


def main():
    cfg = Config(
        participants=int(sys.argv[2]),
        pairs=1,
        ramp_rate=2000,
        idle_seconds=2.0,
        steady_seconds=10.0,
        applause_seconds=4.0,
        stall_seconds=5.0,
        settle=2.0,
        scenarios=tuple(sys.argv[4].split(",")) if len(sys.argv) > 4 else ("S1", "S2", "S3"),
    )
    r = run_once(cfg, sys.argv[1], int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    for k, v in sorted(r.metrics.items()):
        print(f"{k:32s} {v:.4g}")
    print(r.notes)


if __name__ == "__main__":
    main()
