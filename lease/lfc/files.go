package lfc

// Files names the files of one cleanup, as kea-lfc's -x -i -o -f -p flags do.
type Files struct {
	Previous string // -x: result of the last cleanup (NAME.2)
	Input    string // -i: the rotated lease file (NAME.1)
	Output   string // -o: being written (NAME.output)
	Finish   string // -f: written completely (NAME.completed)
	PID      string // -p: PID file of the running cleanup (NAME.pid)
}

// FilesFor returns the file names a Kea server passes to kea-lfc for the
// lease file name.
func FilesFor(name string) Files {
	return Files{
		Previous: name + ".2",
		Input:    name + ".1",
		Output:   name + ".output",
		Finish:   name + ".completed",
		PID:      name + ".pid",
	}
}
