#!/bin/bash
set -e
/usr/bin/python3 train.py "$@"
