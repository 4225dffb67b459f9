#!/bin/sh
# TI-ONE gives every node NODE_NUM, INDEX, GPU_NUM_PER_NODE and CHIEF_IP (Tikit tutorial, 2.2).
# FASTGPU_OPT_ML is /opt/ml on the platform; the offline emulator puts each node's folder elsewhere.
ML="${FASTGPU_OPT_ML:-/opt/ml}"
exec python3 main.py "$ML/input/data/image_classify" --nnodes="${NODE_NUM:-1}" --node_rank="${INDEX:-0}" \
    --nproc_per_node="${GPU_NUM_PER_NODE:-1}" --master_addr="${CHIEF_IP:-127.0.0.1}" --master_port=23457 --epochs 3
