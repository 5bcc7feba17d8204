// The Go WFM stand-in of the interop suite: standard library only, so it builds offline.
module margo-interop-wfm

go 1.19
