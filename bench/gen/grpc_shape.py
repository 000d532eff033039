#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Real gRPC over h2c for bench/gen/record-shapes.sh (python3-grpcio, generic handlers on raw
# bytes, no generated stubs): a unary GetOrder called 5 times and a client-streaming telemetry
# Push of 10 messages on one channel.
#   grpc_shape.py server ADDR:PORT          serve until killed
#   grpc_shape.py client ADDR:PORT TOKEN    run the calls once
import sys
from concurrent import futures

import grpc


def ident(b):
    return b


ORDER = bytes.fromhex("0a086f72642d31303431120345555219000000000000c05840")


def get_order(req, ctx):
    return ORDER


def push(it, ctx):
    n = sum(1 for _ in it)
    return b"\x08" + bytes([n])


def server(addr):
    srv = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    srv.add_generic_rpc_handlers((
        grpc.method_handlers_generic_handler("orders.v1.OrderService", {
            "GetOrder": grpc.unary_unary_rpc_method_handler(get_order, ident, ident)}),
        grpc.method_handlers_generic_handler("telemetry.v1.Ingest", {
            "Push": grpc.stream_unary_rpc_method_handler(push, ident, ident)})))
    srv.add_insecure_port(addr)
    srv.start()
    srv.wait_for_termination()


def client(addr, tok):
    ch = grpc.insecure_channel(addr, options=[
        ("grpc.primary_user_agent", "inventory-svc/2.3.1"), ("grpc.enable_http_proxy", 0)])
    get = ch.unary_unary("/orders.v1.OrderService/GetOrder", ident, ident)
    for i in range(5):
        md = (("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333%d-01" % i),
              ("authorization", "Bearer " + tok))
        get(b"\x0a\x08ord-104%d\x12\x06pump-7" % i, metadata=md, timeout=5)
    push_rpc = ch.stream_unary("/telemetry.v1.Ingest/Push", ident, ident)
    msgs = (b"\x0a\x07pump-17\x10" + bytes([i]) + b"\x1d\x00\x00\x26\x42\x25\x00\x20\xb9\x44"
            for i in range(10))
    push_rpc(msgs, metadata=(("authorization", "Bearer " + tok),), timeout=5)
    ch.close()


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2])
    else:
        client(sys.argv[2], sys.argv[3])
