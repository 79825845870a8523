"""CPU work spread over child processes: argv[1] is "fork", "spawn" or
"forkserver" (a multiprocessing.Pool(4) map) or "executor" (a
concurrent.futures.ProcessPoolExecutor(4) with spawn).  Each task spins
for argv[2] seconds of CPU (default 0.15) on the TRUTH line."""
import concurrent.futures
import multiprocessing
import sys
import time


def task(seconds):
    end = time.process_time() + seconds
    n = 0
    while time.process_time() < end:  # TRUTH:worker
        n += 1
    return n > 0


def main():
    method = sys.argv[1] if len(sys.argv) > 1 else "fork"
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 0.15
    work = [seconds] * 16
    if method == "executor":
        ctx = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(4, mp_context=ctx) as ex:
            done = list(ex.map(task, work))
    else:
        with multiprocessing.get_context(method).Pool(4) as pool:
            done = pool.map(task, work)
    print(method, sum(done), flush=True)


if __name__ == "__main__":
    main()
