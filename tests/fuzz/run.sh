#!/bin/sh
# Build and run the decoder fuzz target (clang libFuzzer + ASan + UBSan), its corpus seeded with
# every packet of the nDPI captures. Any crash or sanitizer report fails the run.
# usage: tests/fuzz/run.sh [SECONDS=60] [WORKDIR=build-fuzz-decode]   (WT_PCAP_DIR overrides captures)
set -eu

secs=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${2:-$root/build-fuzz-decode}
pcaps=${WT_PCAP_DIR:-$root/../shared/pcaps/ndpi}
[ -d "$pcaps" ] || pcaps=/work/shared/pcaps/ndpi
cc=${CC:-clang}

mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
# The decoder is compiled into the target (not linked from the meson build) so it is
# instrumented for coverage; DPDK headers only, plus the EAL for rte_hash_crc's CPU probe.
# shellcheck disable=SC2046
$cc -g -O1 -std=gnu11 -D_GNU_SOURCE -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Wall -Wextra -Werror \
	-I"$root/lib/common" -I"$root/lib/decode" $(pkg-config --cflags libdpdk) \
	-o "$work/fuzz_decode" "$root/tests/fuzz/fuzz_decode.c" "$root"/lib/decode/decode_*.c \
	"$root/lib/common/common_util.c" $(pkg-config --libs libdpdk)
$cc -O1 -Wall -Wextra -Werror -o "$work/pcap_split" "$root/tests/fuzz/pcap_split.c" -lpcap
rm -f "$work"/seeds/*
"$work/pcap_split" "$work/seeds" "$pcaps"/*

"$work/fuzz_decode" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
	-dict="$root/tests/fuzz/decode.dict" -artifact_prefix="$work/artifacts/" \
	"$work/corpus" "$work/seeds"
