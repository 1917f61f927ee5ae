// The Jalali date picker on date inputs marked data-jdp (loaded by challenges/_jdp.html after the
// vendored jalalidatepicker.min.js, Persian pages only).
jalaliDatepicker.startWatch({ time: false, showEmptyBtn: true, showCloseBtn: true, zIndex: 2000 });
