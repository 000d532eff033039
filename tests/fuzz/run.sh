#!/bin/sh
# Build and run the decoder fuzz target (clang libFuzzer + ASan + UBSan), its corpus seeded with
# every packet of the nDPI captures, then the HTTP target (lib/http over both directions of a
# flow), seeded with the TCP payload of the HTTP captures, then the rule parser (lib/match),
# seeded with the rule files. Any crash or sanitizer report fails.
# usage: [WT_FUZZ_RUNS=N] tests/fuzz/run.sh [SECONDS=60] [WORKDIR=build-fuzz-decode]
# (WT_PCAP_DIR overrides captures); the stream target is last.
set -eu

secs=${1:-60}
# WT_FUZZ_RUNS: a fixed number of inputs per target (the test command uses it); time still bounds.
runs=${WT_FUZZ_RUNS:--1}
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

"$work/fuzz_decode" -max_total_time="$secs" -runs="$runs" -max_len=4096 -print_final_stats=1 \
	-dict="$root/tests/fuzz/decode.dict" -artifact_prefix="$work/artifacts/" \
	"$work/corpus" "$work/seeds"

# HTTP parser + pairing (lib/http compiled in; http_parser is the system library).
# shellcheck disable=SC2046
$cc -g -O1 -std=gnu11 -D_GNU_SOURCE -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Wall -Wextra -Werror \
	-I"$root/lib/common" -I"$root/lib/decode" -I"$root/lib/flow" -I"$root/lib/http" \
	$(pkg-config --cflags libdpdk) \
	-o "$work/fuzz_http" "$root/tests/fuzz/fuzz_http.c" "$root"/lib/http/http_*.c \
	"$root/lib/common/common_util.c" $(pkg-config --libs libdpdk) -lhttp_parser -lcrypto
mkdir -p "$work/http_corpus" "$work/http_seeds"
rm -f "$work"/http_seeds/*
python3 "$root/tests/fuzz/http_seeds.py" "$work/http_seeds" "$pcaps"/http*.pcap* \
	$(ls "$root"/tests/captures/http*.pcap 2>/dev/null || true)
"$work/fuzz_http" -max_total_time="$secs" -runs="$runs" -max_len=16384 -print_final_stats=1 \
	-dict="$root/tests/fuzz/http.dict" -artifact_prefix="$work/artifacts/http-" \
	"$work/http_corpus" "$work/http_seeds"

# Rule parser + streaming translation (lib/match parser files compiled in; Hyperscan is the
# system library), seeded with every rule of rules/ and tests/rules/.
# shellcheck disable=SC2046
$cc -g -O1 -std=gnu11 -D_GNU_SOURCE -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Wall -Wextra -Werror \
	-I"$root/lib/common" -I"$root/lib/match" $(pkg-config --cflags libhs) \
	-o "$work/fuzz_rules" "$root/tests/fuzz/fuzz_rules.c" "$root/lib/match/match_parse.c" \
	"$root/lib/match/match_keywords.c" "$root/lib/match/match_addr.c" \
	"$root/lib/match/match_regex.c" "$root/lib/common/common_util.c" $(pkg-config --libs libhs)
mkdir -p "$work/rules_corpus" "$work/rules_seeds"
rm -f "$work"/rules_seeds/*
cat "$root"/rules/*.rules "$root"/tests/rules/*.rules | grep -E '^(alert|pass|drop) ' |
	awk -v d="$work/rules_seeds" '{ f = sprintf("%s/r%05d", d, NR); printf "%s", $0 > f; close(f) }'
"$work/fuzz_rules" -max_total_time="$secs" -runs="$runs" -max_len=4096 -print_final_stats=1 \
	-dict="$root/tests/fuzz/rules.dict" -artifact_prefix="$work/artifacts/rules-" \
	"$work/rules_corpus" "$work/rules_seeds"

# TCP reassembly (lib/stream compiled in): segment sequences of two flows, no seeds needed.
# It starts a no-hugepage EAL itself for its mbuf pool.
# shellcheck disable=SC2046
$cc -g -O1 -std=gnu11 -D_GNU_SOURCE -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Wall -Wextra -Werror \
	-I"$root/lib/common" -I"$root/lib/decode" -I"$root/lib/flow" -I"$root/lib/stream" \
	$(pkg-config --cflags libdpdk) \
	-o "$work/fuzz_stream" "$root/tests/fuzz/fuzz_stream.c" "$root"/lib/stream/stream_*.c \
	"$root/lib/common/common_util.c" $(pkg-config --libs libdpdk)
mkdir -p "$work/stream_corpus"
"$work/fuzz_stream" -max_total_time="$secs" -runs="$runs" -max_len=4096 -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/stream-" "$work/stream_corpus"
