// Package lfc is the lease file cleanup of Kea's memfile backend (kea-lfc):
// it merges the previous cleanup result (NAME.2) with the rotated lease
// file (NAME.1), keeps the newest row of every lease (a row with valid
// lifetime 0 deletes it), writes the result in address order and renames
// the files so that an interruption at any step loses nothing.
//
// The steps, as kea-lfc takes them:
//
//  1. refuse to run when the PID file names a live process, else write it;
//  2. unless NAME.completed exists (an earlier run got that far): load
//     NAME.2 then NAME.1, write NAME.output, rename it to NAME.completed;
//  3. delete NAME.2 and NAME.1, rename NAME.completed to NAME.2;
//  4. delete the PID file.
//
// A server that restarts after a crash loads NAME.completed when it
// exists (it holds everything NAME.2 and NAME.1 held), else NAME.2 and
// NAME.1, and then NAME; so every step leaves a loadable set. Expired and
// expired-reclaimed leases are kept: only deleted leases disappear.
package lfc
