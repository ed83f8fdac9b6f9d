import OSSLWatch
