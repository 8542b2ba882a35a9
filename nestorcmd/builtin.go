package nestorcmd

// The hook libraries built into every nestor binary. Each registers itself
// under its Kea file name; a custom binary (nestor build) adds its own.
import (
	_ "github.com/nestordhcp/nestor/hooks/bootp"
	_ "github.com/nestordhcp/nestor/hooks/flexid"
	_ "github.com/nestordhcp/nestor/hooks/leasecmds"
	_ "github.com/nestordhcp/nestor/hooks/runscript"
	_ "github.com/nestordhcp/nestor/hooks/statcmds"
)
