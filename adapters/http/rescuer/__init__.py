"""The rescuer's phone (issue 17): /r/{link} from the station SMS, and the QR-scan hook."""
