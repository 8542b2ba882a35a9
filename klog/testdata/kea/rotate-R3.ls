576477 kea.log
