# spanpipe version and install paths
VERSION = 0.1.0

PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
MANPREFIX = $(PREFIX)/share/man
COMPDIR = $(PREFIX)/share/bash-completion/completions

CC = cc
CFLAGS = -std=c11 -O2 -g -Wall -Wextra
CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DVERSION=\"$(VERSION)\" \
	-I/usr/include/postgresql
LDFLAGS = -Wl,--as-needed
LIBS = -lcsv -lprotobuf-c -lxxhash -ljson-c -lz -lsqlite3 -lpq -llz4 -lzstd -lm -pthread
