module example.com/nestor-blocklist

go 1.26.0

require github.com/nestordhcp/nestor v0.0.0

replace github.com/nestordhcp/nestor => ../../..
